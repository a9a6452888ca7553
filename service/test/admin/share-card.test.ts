import assert from 'node:assert/strict';
import type supertest from 'supertest';
import { qrCodeSvg } from '../../src/admin/share-card.js';
import { appOnDatabase } from '../support/app.js';
import { createAdmin, signedIn } from '../support/admin.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';
import { httpsBrowser } from '../support/https-browser.js';

/** The public URL the question page's share card shows, or undefined when it shows none. */
async function cardUrl(agent: supertest.Agent, id: number, headers: Record<string, string>) {
  const page = await agent.get(`/admin/questions/${id}/edit`).set(headers).expect(200);
  assert.match(page.text, /<section class="share-card"/);
  return /<p class="share-url"><a href="([^"]+)">/.exec(page.text)?.[1];
}

describe('qrCodeSvg', () => {
  it('draws one path in a square viewBox with a quiet zone of 4 modules, without style or script', () => {
    const svg = qrCodeSvg('https://polls.example/polls/12/');
    const match =
      /^<svg viewBox="0 0 (\d+) (\d+)" xmlns="http:\/\/www\.w3\.org\/2000\/svg"><path d="M(\d+) (\d+)h1v1H\d+Z[^"]*"\/><\/svg>$/.exec(
        svg,
      );
    assert.ok(match, svg.slice(0, 120));
    const [, width, height, firstX, firstY] = match.map(Number);
    assert.equal(width, height);
    // Versions have 17 + 4v modules a side; the top-left finder pattern's first module sits after the quiet zone.
    assert.equal((width! - 2 * 4 - 17) % 4, 0);
    assert.deepEqual([firstX, firstY], [4, 4]);
    assert.doesNotMatch(svg, /style|script|href/i);
  });
});

for (const target of databaseTargets) {
  describe(`the share card on ${target.name}`, () => {
    const suite = appOnDatabase(target);
    let agent: supertest.Agent;
    beforeEach(async () => {
      await createAdmin(suite.db.knex);
      agent = await signedIn(suite.app);
    });

    it("shows the poll's public URL at the host the editor opened, its QR code and the export links", async () => {
      const { id } = await createQuestion(suite.db.knex, 'Tea or coffee?', -1);
      const page = await agent
        .get(`/admin/questions/${id}/edit`)
        .set('Host', 'polls.example:8080')
        .expect(200);
      assert.match(page.text, new RegExp(`<img class="share-qr" src="/admin/questions/${id}/share-qr.svg"`));
      assert.match(page.text, new RegExp(`href="/admin/questions/${id}/results.csv"`));
      assert.match(page.text, new RegExp(`href="/admin/questions/${id}/results.json"`));
      assert.equal(
        await cardUrl(agent, id, { Host: 'polls.example:8080' }),
        `http://polls.example:8080/polls/${id}/`,
      );
      // The image is allowed by the page's own policy: img-src 'self'.
      assert.match(page.headers['content-security-policy']!, /img-src 'self'/);
    });

    it('has no share card on a new question', async () => {
      const page = await agent.get('/admin/questions/new').expect(200);
      assert.doesNotMatch(page.text, /share-card/);
    });

    it('serves the QR code of that URL as an SVG image that no cache keeps', async () => {
      const { id } = await createQuestion(suite.db.knex, 'Tea or coffee?', -1);
      const response = await agent
        .get(`/admin/questions/${id}/share-qr.svg`)
        .set('Host', 'polls.example')
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => done(null, text));
        })
        .expect(200);
      assert.equal(response.headers['content-type'], 'image/svg+xml');
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.body, qrCodeSvg(`http://polls.example/polls/${id}/`));
    });

    it('ignores X-Forwarded-Proto and X-Forwarded-Host when no proxy is trusted', async () => {
      const { id } = await createQuestion(suite.db.knex, 'Q?', -1);
      const url = await cardUrl(agent, id, {
        Host: 'polls.example',
        'X-Forwarded-Proto': 'https',
        'X-Forwarded-Host': 'evil.example',
      });
      assert.equal(url, `http://polls.example/polls/${id}/`);
    });

    it('shows no address, and serves no QR code, for a Host that is not a host name', async () => {
      const { id } = await createQuestion(suite.db.knex, 'Q?', -1);
      for (const host of ['evil.example/phish?', 'a"><script>x</script>', 'polls.example:99999', '[::1']) {
        assert.equal(await cardUrl(agent, id, { Host: host }), undefined, host);
        const qr = await agent.get(`/admin/questions/${id}/share-qr.svg`).set('Host', host);
        assert.equal(qr.status, 400, host);
      }
    });
  });

  describe(`the share card behind a trusted proxy (TRUST_PROXY=1) on ${target.name}`, () => {
    const suite = appOnDatabase(target, { trustProxyHops: 1 });
    beforeEach(() => createAdmin(suite.db.knex));

    it('takes the scheme from X-Forwarded-Proto and the host from X-Forwarded-Host, as the cookies do', async () => {
      const { id } = await createQuestion(suite.db.knex, 'Q?', -1);
      const editor = httpsBrowser(suite.app);
      assert.equal((await editor.login()).response.status, 303);
      const urlBehind = async (headers: Record<string, string>) => {
        const page = await editor.get(`/admin/questions/${id}/edit`, headers);
        assert.equal(page.status, 200);
        return /<p class="share-url"><a href="([^"]+)">/.exec(page.text)?.[1];
      };
      assert.equal(
        await urlBehind({ Host: '10.0.1.5:3000', 'X-Forwarded-Host': 'polls.example' }),
        `https://polls.example/polls/${id}/`,
      );
      // The URL as a browser writes it: the host in lower case, no default port.
      assert.equal(await urlBehind({ Host: 'Polls.Example:443' }), `https://polls.example/polls/${id}/`);
      assert.equal(
        await urlBehind({ Host: 'polls.example', 'X-Forwarded-Host': 'evil.example/x' }),
        undefined,
      );
    });

    it('writes http for any X-Forwarded-Proto but https, as ctx.secure does: never a javascript: URL', async () => {
      const { id } = await createQuestion(suite.db.knex, 'Q?', -1);
      const agent = await signedIn(suite.app);
      const url = await cardUrl(agent, id, { Host: 'polls.example', 'X-Forwarded-Proto': 'javascript' });
      assert.equal(url, `http://polls.example/polls/${id}/`);
    });
  });
}
