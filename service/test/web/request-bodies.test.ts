import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import Koa from 'koa';
import pino from 'pino';
import { listen, type RunningServer } from '../../src/server.js';
import { parseRequestBodies } from '../../src/web/request-bodies.js';
import { testApp } from '../support/app.js';
import { databaseTargets } from '../support/databases.js';
import { rawRequest } from '../support/raw-request.js';
import { waitFor } from '../support/wait.js';

describe('request bodies', () => {
  let server: RunningServer;
  /** How many requests reached the app, and the status of every one it finished, a thrown error's included. */
  let arrived = 0;
  const outcomes: number[] = [];

  before(async () => {
    const app = new Koa();
    // Koa's own report of the connection that a test cuts: the app's version of it is tested below.
    app.silent = true;
    app.use(async (ctx, next) => {
      arrived += 1;
      try {
        await next();
        outcomes.push(ctx.status);
      } catch (error) {
        outcomes.push((error as { status?: number }).status ?? 500);
        throw error;
      }
    });
    app.use(parseRequestBodies());
    app.use((ctx) => {
      ctx.body = { body: ctx.request.body ?? 'none' };
    });
    server = await listen(app, 0, '127.0.0.1');
  });
  after(() => server.close(0));

  const post = (type: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(`${server.url}/`, { method: 'POST', headers: { 'Content-Type': type, ...headers }, body });
  const parsedBody = (response: { bytes: Buffer }) =>
    (JSON.parse(response.bytes.toString()) as { body: unknown }).body;

  it('parses a form and a JSON object, with or without charset=utf-8', async () => {
    for (const type of [
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=UTF-8',
    ]) {
      const response = await post(type, 'choice=3&csrf_token=t%2B1');
      assert.equal(response.status, 200);
      assert.deepEqual(parsedBody(response), { choice: '3', csrf_token: 't+1' });
    }
    for (const type of ['application/json', 'Application/JSON; charset="utf-8"']) {
      const response = await post(type, '{"choiceId": 2, "note": "é"}');
      assert.deepEqual(parsedBody(response), { choiceId: 2, note: 'é' });
    }
  });

  it('leaves a body of another type unread, as an empty object, and reads none on GET', async () => {
    assert.deepEqual(parsedBody(await post('text/plain', 'choice=3')), {});
    assert.deepEqual(parsedBody(await post('multipart/form-data; boundary=x', '--x--')), {});
    assert.deepEqual(parsedBody(await rawRequest(`${server.url}/`)), 'none');
  });

  it('takes a body of exactly 16 KB and refuses one byte more with 413, closing the connection', async () => {
    const fits = `a=${'x'.repeat(16 * 1024 - 2)}`;
    assert.equal((await post('application/x-www-form-urlencoded', fits)).status, 200);
    const response = await post('application/x-www-form-urlencoded', `${fits}x`);
    assert.equal(response.status, 413);
    assert.equal(response.headers.connection, 'close');
  });

  it('refuses a too-large body by its Content-Length before it has been sent', async () => {
    const outgoing = request(`${server.url}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(100 * 1024 * 1024) },
    });
    outgoing.write('{"a": "');
    const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
    assert.equal(response.statusCode, 413);
    outgoing.destroy();
  });

  it('refuses a chunked body once it passes 16 KB', async () => {
    const outgoing = request(`${server.url}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' },
    });
    const answered = once(outgoing, 'response') as Promise<[IncomingMessage]>;
    for (let sent = 0; sent <= 16 * 1024; sent += 1024) outgoing.write('x'.repeat(1024));
    const [response] = await answered;
    assert.equal(response.statusCode, 413);
    outgoing.destroy();
  });

  it('refuses JSON that is no object, or no JSON, with 400 and what is wrong', async () => {
    for (const text of ['"choiceId"', 'true', '12', '']) {
      const response = await post('application/json', text);
      assert.equal(response.status, 400, text);
      assert.match(response.bytes.toString(), /must be a JSON object/);
    }
    const response = await post('application/json', '{"choiceId": 1,');
    assert.equal(response.status, 400);
    assert.match(response.bytes.toString(), /not valid JSON/);
  });

  it('refuses invalid UTF-8, another charset and compressed bodies, each with its message', async () => {
    const invalid = await post('application/x-www-form-urlencoded', Buffer.from('63686f6963653dfffe', 'hex'));
    assert.equal(invalid.status, 400);
    assert.match(invalid.bytes.toString(), /not valid UTF-8/);
    const latin1 = await post('application/x-www-form-urlencoded; charset=iso-8859-1', 'choice=1');
    assert.equal(latin1.status, 415);
    assert.match(latin1.bytes.toString(), /in UTF-8/);
    const gzip = await post('application/json', '{}', { 'Content-Encoding': 'gzip' });
    assert.equal(gzip.status, 415);
    assert.match(gzip.bytes.toString(), /without Content-Encoding/);
  });

  it('refuses a form whose names clash with 400', async () => {
    const response = await post('application/x-www-form-urlencoded', 'choices=1&choices[0][text]=a');
    assert.equal(response.status, 400);
    assert.match(response.bytes.toString(), /both a value and a group/);
  });

  it('answers a client that hangs up halfway through its body with 400, not an error of ours', async () => {
    outcomes.length = 0;
    const before = arrived;
    const outgoing = request(`${server.url}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '1000' },
    });
    outgoing.on('error', () => {});
    outgoing.write('{"choiceId": ');
    await waitFor(() => arrived > before, 'the request reached the app');
    outgoing.destroy();
    await waitFor(() => outcomes.length === 1, 'the app finished the request');
    assert.deepEqual(outcomes, [400]);
  });
});

describe('a client that hangs up halfway through its body, in the app', () => {
  let server: RunningServer;
  const lines: { level: number; msg: string; status?: number }[] = [];

  before(async function () {
    this.timeout(60_000);
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    server = await listen(testApp(await databaseTargets[0]!.open(), { logger }).app, 0, '127.0.0.1');
  });
  after(() => server.close(0));

  it('is answered 400 and logged as a client that went away, not as a failure', async () => {
    const outgoing = request(`${server.url}/api/questions/1/votes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '1000' },
    });
    outgoing.on('error', () => {});
    outgoing.write('{"choiceId": ');
    await new Promise((resolve) => setTimeout(resolve, 100));
    outgoing.destroy();
    await waitFor(() => lines.some((line) => line.msg === 'request'), 'the request was logged');
    assert.equal(lines.find((line) => line.msg === 'request')?.status, 400);
    assert.deepEqual(
      lines.filter((line) => line.level >= 40),
      [],
    );
    assert.ok(lines.some((line) => line.msg === 'client went away'));
  });
});
