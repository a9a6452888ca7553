import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { createScratchDatabase, freePort } from '../support/postgres-server.js';
import { postgresServer } from '../support/databases.js';
import { runCommand } from '../support/commands.js';
import { startService, stopService, type ServiceProcess } from '../support/service-process.js';
import { waitFor } from '../support/wait.js';

describe('the service process', () => {
  let database: { url: string; drop(): Promise<void> } | undefined;
  let service: ServiceProcess | undefined;

  beforeEach(async function () {
    this.timeout(60_000);
    database = await createScratchDatabase((await postgresServer()).adminUrl, 'serve');
  });
  afterEach(async () => {
    await stopService(service);
    service = undefined;
    await database?.drop();
  });

  it('never migrates a server database itself: /readyz stays 503 until `npm run migrate` runs', async function () {
    this.timeout(60_000);
    service = await startService({ DATABASE_URL: database!.url });
    const before = await fetch(`${service.url}/readyz`);
    assert.equal(before.status, 503);
    assert.deepEqual(await before.json(), { status: 'not ready' });
    // Logged as it answered; the log is written asynchronously, so it may reach the file a moment later.
    await waitFor(() => /"msg":"not ready"/.test(service!.output()), 'the reason is logged');
    assert.match(service.output(), /"schema":"pending migrations: 2026-11-25-1000/);
    assert.equal((await runCommand('migrate', { DATABASE_URL: database!.url })).code, 0);
    assert.equal((await fetch(`${service.url}/readyz`)).status, 200);
  });

  it('serves /metrics on the internal METRICS_PORT only, never on the public port', async function () {
    this.timeout(60_000);
    service = await startService({ DATABASE_URL: database!.url });
    assert.ok(service.metricsUrl, 'the serving line names the metrics URL');
    assert.notEqual(new URL(service.metricsUrl).port, new URL(service.url).port);
    assert.equal((await fetch(`${service.url}/healthz`)).status, 200);
    const scraped = await fetch(service.metricsUrl);
    assert.equal(scraped.status, 200);
    assert.match(
      await scraped.text(),
      /^http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1$/m,
    );
    assert.equal((await fetch(`${service.url}/metrics`)).status, 404);
  });

  it('serves no metrics with METRICS_PORT=off', async function () {
    this.timeout(60_000);
    service = await startService({ DATABASE_URL: database!.url, METRICS_PORT: 'off' });
    assert.equal(service.metricsUrl, undefined);
  });

  it('exits 0 soon after SIGTERM', async function () {
    this.timeout(60_000);
    service = await startService({ DATABASE_URL: database!.url });
    assert.equal((await fetch(`${service.url}/healthz`)).status, 200);
    const signalled = Date.now();
    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0);
    assert.ok(Date.now() - signalled < 10_000, 'exits well inside 10 s');
  });

  it('logs an outage once a kind, and the count of the lines it held back when it stops', async function () {
    this.timeout(60_000);
    const port = await freePort(); // no database there
    service = await startService({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/polls` });
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${service.url}/polls/1/`)).status, 503);
    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0);
    const outage = service
      .output()
      .split('\n')
      .filter((line) => line.includes('"msg":"database unavailable"'))
      .map((line) => JSON.parse(line) as { repeated?: number });
    assert.deepEqual(
      outage.map((line) => line.repeated),
      [undefined, 4],
    );
  });

  it('refuses to start with one line naming a bad variable', async () => {
    const run = await runCommand('serve', { PORT: 'eighty' });
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr.trim(),
      'polls: invalid configuration: PORT: expected a whole number, got "eighty"',
    );
  });

  it('exits 1 naming the cause when the metrics port is taken, instead of serving without metrics', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const run = await runCommand('serve', {
        DATABASE_URL: database!.url,
        PORT: '0',
        HOST: '127.0.0.1',
        METRICS_PORT: String(port),
      });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^polls: could not start: Error: listen EADDRINUSE/);
    } finally {
      taken.close();
    }
  });

  it('refuses to start in production without SESSION_KEYS', async () => {
    const run = await runCommand('serve', { NODE_ENV: 'production', DATABASE_URL: database!.url });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /SESSION_KEYS: required when NODE_ENV=production/);
  });
});
