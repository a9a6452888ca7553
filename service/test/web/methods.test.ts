import assert from 'node:assert/strict';
import { listen, type RunningServer } from '../../src/server.js';
import { testApp } from '../support/app.js';
import { databaseTargets } from '../support/databases.js';
import { rawRequest } from '../support/raw-request.js';

describe('methods no route takes', () => {
  let server: RunningServer;

  before(async function () {
    this.timeout(60_000);
    server = await listen(testApp(await databaseTargets[0]!.open()).app, 0, '127.0.0.1');
  });
  after(() => server.close(0));

  const send = (method: string, path: string) => rawRequest(`${server.url}${path}`, { method });

  for (const method of ['TRACE', 'PROPFIND', 'QUERY', 'PUT', 'DELETE']) {
    it(`answers ${method} on a page with 405 and the methods it takes`, async () => {
      const response = await send(method, '/polls/');
      assert.equal(response.status, 405);
      assert.equal(response.headers.allow, 'HEAD, GET');
      assert.match(response.bytes.toString(), new RegExp(`does not accept ${method} requests`));
    });
  }

  it('answers an unknown method on the API with 405 and a JSON error', async () => {
    const response = await send('PROPFIND', '/api/questions');
    assert.equal(response.status, 405);
    assert.match(JSON.parse(response.bytes.toString()).error, /does not accept PROPFIND/);
  });

  it('answers an unknown method on a static file with 405', async () => {
    const response = await send('TRACE', '/static/polls.css');
    assert.equal(response.status, 405);
    assert.equal(response.headers.allow, 'GET, HEAD');
  });

  it('answers an unknown method on an unknown path with 404, never 501', async () => {
    for (const method of ['TRACE', 'QUERY', 'MKCOL'])
      assert.equal((await send(method, '/no/such')).status, 404);
  });

  it('answers OPTIONS on a page with its methods', async () => {
    const response = await send('OPTIONS', '/polls/1/vote/');
    assert.equal(response.status, 200);
    assert.equal(response.headers.allow, 'POST');
  });
});
