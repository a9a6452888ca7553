// The smoke check against a real HTTP server on 127.0.0.1 that answers as the service does behind the CDN:
// replicas of the old release keep answering for a while, with the old commit in the header.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { smokeCheck, type SmokeTools } from '../pipeline/smoke';
import { revisionHeader } from '../src/service-contract';

const OLD = '1111111111111111111111111111111111111111';
const NEW = '2222222222222222222222222222222222222222';

describe('pipeline smoke check', () => {
  let server: Server;
  let siteUrl: string;
  let answers: Array<{ status: number; revision?: string }>;
  let paths: string[];
  const lines: string[] = [];
  const tools: SmokeTools = {
    fetch: (url, init) => fetch(url, init),
    sleep: async () => undefined,
    log: (line) => lines.push(line),
  };
  const schedule = { tries: 4, pauseSeconds: 15, timeoutSeconds: 2 };

  before(async () => {
    server = createServer((request, response) => {
      paths.push(request.url ?? '');
      const next = answers.length > 1 ? answers.shift()! : answers[0]!;
      if (next.revision) response.setHeader(revisionHeader, next.revision);
      response.writeHead(next.status, { 'content-type': 'application/json' }).end('[]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    paths = [];
    lines.length = 0;
  });

  it('waits while old replicas answer, and passes once the new commit answers the API', async () => {
    answers = [{ status: 503 }, { status: 200, revision: OLD }, { status: 200, revision: NEW }];
    await smokeCheck(siteUrl, NEW, tools, schedule);
    assert.deepEqual(paths, ['/api/questions', '/api/questions', '/api/questions']);
    assert.match(
      lines[1] ?? '',
      /200 with Polls-Revision "1{40}", waiting for 200 with Polls-Revision "2{40}"/,
    );
  });

  it('fails, naming what it served, when the old release keeps answering', async () => {
    answers = [{ status: 200, revision: OLD }];
    await assert.rejects(
      smokeCheck(siteUrl, NEW, tools, schedule),
      new RegExp(
        `never answered 200 with Polls-Revision "${NEW}" in 4 tries; last: 200 with Polls-Revision "${OLD}"$`,
      ),
    );
    assert.equal(paths.length, 4);
  });

  it('fails when the answer names no revision at all', async () => {
    answers = [{ status: 200 }];
    await assert.rejects(smokeCheck(siteUrl, NEW, tools, schedule), /last: 200 with Polls-Revision missing$/);
  });

  it('counts a refused connection as a try, not as an error that ends the check', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(smokeCheck(`http://127.0.0.1:${port}`, NEW, tools, schedule), /last: no answer \(/);
    assert.equal(lines.length, 4);
  });
});
