import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, get, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa, { type Middleware } from 'koa';
import pino from 'pino';
import { listen, type RunningServer } from '../../src/server.js';
import { markShared, SharedResponses, type ServedRequest } from '../../src/web/shared-responses.js';
import { appOnDatabase, testApp } from '../support/app.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';
import { rawGet, type RawResponse } from '../support/raw-get.js';

/** The headers that must be alike for every visitor: all but the request id and the date. */
function sharedPart({ headers }: RawResponse): IncomingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name !== 'x-request-id' && name !== 'date'),
  );
}

/** Counts the requests that reach the app's middleware, i.e. were not answered from memory. */
function countAppRuns(app: Koa): { readonly runs: number } {
  const counter = { runs: 0 };
  app.middleware.unshift(async (_ctx, next) => {
    counter.runs++;
    await next();
  });
  return counter;
}

async function serving<T>(app: Koa, use: (url: string) => Promise<T>): Promise<T> {
  const running: RunningServer = await listen(app, 0, '127.0.0.1');
  try {
    return await use(running.url);
  } finally {
    await running.close(1_000);
  }
}

for (const target of databaseTargets) {
  describe(`responses shared by every visitor on ${target.name}`, function () {
    this.timeout(30_000);
    const suite = appOnDatabase(target);

    it('sends the index again from memory: the same status, headers and bytes, without the app', async () => {
      // Five questions with long texts: an index of more than a kilobyte, which is compressed.
      for (let days = 5; days >= 1; days--) {
        await createQuestion(
          suite.db.knex,
          `Is question ${days} kept in memory? ${'Really? '.repeat(10)}`,
          -days,
        );
      }
      const app = testApp(suite.db).app;
      const counter = countAppRuns(app);
      await serving(app, async (url) => {
        for (const [coding, acceptEncoding] of [
          [undefined, ''],
          ['gzip', 'gzip, deflate'],
          ['br', 'gzip, deflate, br, zstd'],
        ] as const) {
          const runsBefore = counter.runs;
          const made = await rawGet(`${url}/polls/`, { 'Accept-Encoding': acceptEncoding });
          const kept = await rawGet(`${url}/polls/`, { 'Accept-Encoding': acceptEncoding });
          assert.equal(
            counter.runs - runsBefore,
            1,
            `one of two ${acceptEncoding || 'identity'} requests ran the app`,
          );
          assert.equal(kept.status, 200);
          assert.equal(kept.headers['content-encoding'], coding);
          assert.deepEqual(sharedPart(kept), sharedPart(made));
          assert.deepEqual(kept.bytes, made.bytes);
          assert.match(kept.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
        }
      });
    });

    it('gives every response from memory its own request id, access-log line and metrics sample', async () => {
      await createQuestion(suite.db.knex, 'Logged?', -1);
      const lines: Record<string, unknown>[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
      const app = testApp(suite.db, { logger }).app;
      const counter = countAppRuns(app);
      await serving(app, async (url) => {
        const series = 'http_request_duration_seconds_count{method="GET",route="/polls/",status="200"}';
        const responses = [
          await rawGet(`${url}/polls/`),
          await rawGet(`${url}/polls/`),
          await rawGet(`${url}/polls/`, { 'X-Request-Id': 'given-id-1' }),
        ];
        assert.equal(counter.runs, 1);
        const ids = responses.map((response) => response.headers['x-request-id']);
        assert.equal(new Set(ids).size, 3);
        assert.equal(ids[2], 'given-id-1');
        const logged = lines.filter((line) => line.msg === 'request' && line.path === '/polls/');
        assert.deepEqual(
          logged.map((line) => [line.requestId, line.method, line.status]),
          ids.map((id) => [id, 'GET', 200]),
        );
        const metrics = (await rawGet(`${url}/metrics`)).bytes.toString();
        assert.ok(metrics.includes(`${series} 3\n`), `${series} is 3 in:\n${metrics}`);
      });
    });

    it('asks keep-alive clients to reconnect while draining, from memory too', async () => {
      await createQuestion(suite.db.knex, 'Draining?', -1);
      const { app, readiness } = testApp(suite.db);
      const counter = countAppRuns(app);
      await serving(app, async (url) => {
        await rawGet(`${url}/polls/`);
        assert.equal((await rawGet(`${url}/polls/`)).headers.connection, 'keep-alive');
        readiness.startDraining();
        assert.equal((await rawGet(`${url}/polls/`)).headers.connection, 'close');
        assert.equal(counter.runs, 1);
      });
    });

    it('sends HSTS only to requests that came over HTTPS through a trusted proxy', async () => {
      await createQuestion(suite.db.knex, 'Secure?', -1);
      const app = testApp(suite.db, { trustProxy: true }).app;
      await serving(app, async (url) => {
        for (let i = 0; i < 2; i++) {
          const secure = await rawGet(`${url}/polls/`, { 'X-Forwarded-Proto': 'https' });
          assert.match(secure.headers['strict-transport-security'] as string, /max-age=31536000/);
          const plain = await rawGet(`${url}/polls/`);
          assert.equal(plain.headers['strict-transport-security'], undefined);
        }
      });
    });

    it('lets the app answer HEAD requests and pages that differ per visitor', async () => {
      const question = await createQuestion(suite.db.knex, 'Per visitor?', -1);
      const app = testApp(suite.db).app;
      const counter = countAppRuns(app);
      await serving(app, async (url) => {
        for (let i = 0; i < 2; i++) {
          await rawGet(`${url}/polls/${question.id}/`);
          await new Promise((resolve) => get(`${url}/polls/`, { method: 'HEAD' }, resolve));
        }
        assert.equal(counter.runs, 4);
      });
    });
  });
}

describe('SharedResponses', () => {
  interface Harness {
    readonly url: string;
    readonly served: ServedRequest[];
    appRuns: number;
  }

  /** A bare Koa app answering `/page` with `handler`, behind a SharedResponses as the service has it. */
  async function withHarness(handler: Middleware, use: (harness: Harness) => Promise<void>): Promise<void> {
    const harness = { url: '', served: [] as ServedRequest[], appRuns: 0 };
    const shared = new SharedResponses({
      varyOn: ['accept-encoding'],
      perRequest: {
        requestId: (offered) => offered ?? `id-${harness.served.length}`,
        closeConnection: () => false,
        served: (request) => harness.served.push(request),
      },
    });
    const app = new Koa();
    app.use(async (_ctx, next) => {
      harness.appRuns++;
      await next();
    });
    app.use(shared.keep);
    app.use(handler);
    const handle = app.callback();
    const server = createServer((request, response) => {
      if (!shared.serve(request, response)) void handle(request, response);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    harness.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`;
    try {
      await use(harness);
    } finally {
      server.close();
    }
  }

  it('drops a kept response once its route says it is no longer current', async () => {
    let version = 1;
    await withHarness(
      (ctx) => {
        const made = version;
        ctx.body = Buffer.from(`version ${made}`);
        markShared(ctx, () => version === made);
      },
      async (harness) => {
        assert.equal((await rawGet(harness.url)).bytes.toString(), 'version 1');
        assert.equal((await rawGet(harness.url)).bytes.toString(), 'version 1');
        assert.equal(harness.appRuns, 1);
        version = 2;
        assert.equal((await rawGet(harness.url)).bytes.toString(), 'version 2');
        assert.equal((await rawGet(harness.url)).bytes.toString(), 'version 2');
        assert.equal(harness.appRuns, 2);
        assert.deepEqual(
          harness.served.map(({ requestId, path, route, status }) => ({ requestId, path, route, status })),
          [
            { requestId: 'id-0', path: '/page', route: 'unmatched', status: 200 },
            { requestId: 'id-1', path: '/page', route: 'unmatched', status: 200 },
          ],
        );
      },
    );
  });

  it('never keeps a response that sets a cookie, is not a 200, or was not marked', async () => {
    const cases: [string, Middleware][] = [
      [
        'cookie',
        (ctx) => {
          ctx.cookies.set('visitor', 'one');
          ctx.body = Buffer.from('hello');
          markShared(ctx, () => true);
        },
      ],
      [
        'not found',
        (ctx) => {
          ctx.status = 404;
          ctx.body = Buffer.from('gone');
          markShared(ctx, () => true);
        },
      ],
      ['unmarked', (ctx) => void (ctx.body = Buffer.from('hello'))],
      [
        'outdated at once',
        (ctx) => {
          ctx.body = Buffer.from('hello');
          markShared(ctx, () => false);
        },
      ],
    ];
    for (const [name, handler] of cases) {
      await withHarness(handler, async (harness) => {
        await rawGet(harness.url);
        await rawGet(harness.url);
        assert.equal(harness.appRuns, 2, name);
      });
    }
  });

  it('keeps one response per value of the headers it varies on, at most 64, the oldest going first', async () => {
    await withHarness(
      (ctx) => {
        ctx.body = Buffer.from(`for ${ctx.get('Accept-Encoding')}`);
        markShared(ctx, () => true);
      },
      async (harness) => {
        for (let i = 0; i < 70; i++) await rawGet(harness.url, { 'Accept-Encoding': `coding-${i}` });
        assert.equal(harness.appRuns, 70);
        const newest = await rawGet(harness.url, { 'Accept-Encoding': 'coding-69' });
        assert.equal(newest.bytes.toString(), 'for coding-69');
        assert.equal(harness.appRuns, 70, 'the newest is kept');
        await rawGet(harness.url, { 'Accept-Encoding': 'coding-0' });
        assert.equal(harness.appRuns, 71, 'the oldest was dropped');
      },
    );
  });
});
