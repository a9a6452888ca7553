import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, parseConfig } from '../src/config.js';

const longKey = 'k'.repeat(32);

describe('parseConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    const config = parseConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.dataDir, path.resolve('.data'));
    assert.equal(config.embeddedTemplateDir, undefined);
    assert.equal(config.databaseSsl, 'disable');
    assert.equal(config.databasePoolMax, 10);
    assert.equal(config.trustProxyHops, 0);
    assert.equal(config.metricsPort, 9464);
    assert.equal(config.httpMaxConnections, 5000 + 1024);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.sessionKeysGenerated, true);
    assert.equal(config.sessionKeys.length, 1);
    assert.equal(config.voteBatchWindowMs, 2);
    assert.equal(config.indexEdgeMaxAgeSeconds, 5);
    assert.equal(config.maxStreams, 5000);
    assert.equal(config.revision, undefined);
    assert.equal(config.maxStreamsPerAddress, 1000);
    assert.equal(config.httpMaxIdleConnectionsPerAddress, 128);
  });

  it('lets one address hold every stream when MAX_STREAMS is below the per-address default', () => {
    assert.equal(parseConfig({ MAX_STREAMS: '300' }).maxStreamsPerAddress, 300);
  });

  it('leaves 1024 connections beside MAX_STREAMS unless HTTP_MAX_CONNECTIONS says otherwise', () => {
    assert.equal(parseConfig({ MAX_STREAMS: '10' }).httpMaxConnections, 1034);
    assert.equal(parseConfig({ MAX_STREAMS: '10', HTTP_MAX_CONNECTIONS: '11' }).httpMaxConnections, 11);
  });

  it('reads every variable', () => {
    const config = parseConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://app:secret@db:5432/polls',
      DATABASE_SSL: 'verify-full',
      DATABASE_POOL_MAX: '4',
      EMBEDDED_TEMPLATE_DIR: '/var/cache/polls',
      SESSION_KEYS: `${longKey}, ${'o'.repeat(40)}`,
      TRUST_PROXY: '2',
      METRICS_PORT: '9100',
      HTTP_MAX_CONNECTIONS: '200',
      LOG_LEVEL: 'warn',
      SHUTDOWN_DRAIN_SECONDS: '5',
      VOTE_BATCH_WINDOW_MS: '0',
      INDEX_EDGE_MAX_AGE_SECONDS: '0',
      MAX_STREAMS: '150',
      SERVICE_REVISION: '3f9c2ab1d4e5f60718293a4b5c6d7e8f90a1b2c3',
      MAX_STREAMS_PER_ADDRESS: '20',
      HTTP_MAX_IDLE_CONNECTIONS_PER_ADDRESS: '16',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.databaseUrl, 'postgres://app:secret@db:5432/polls');
    assert.equal(config.databaseSsl, 'verify-full');
    assert.equal(config.databasePoolMax, 4);
    assert.equal(config.embeddedTemplateDir, '/var/cache/polls');
    assert.deepEqual(config.sessionKeys, [longKey, 'o'.repeat(40)]);
    assert.equal(config.sessionKeysGenerated, false);
    assert.equal(config.trustProxyHops, 2);
    assert.equal(config.metricsPort, 9100);
    assert.equal(config.httpMaxConnections, 200);
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.shutdownDrainMs, 5000);
    assert.equal(config.voteBatchWindowMs, 0);
    assert.equal(config.indexEdgeMaxAgeSeconds, 0);
    assert.equal(config.maxStreams, 150);
    assert.equal(config.revision, '3f9c2ab1d4e5f60718293a4b5c6d7e8f90a1b2c3');
    assert.equal(config.maxStreamsPerAddress, 20);
    assert.equal(config.httpMaxIdleConnectionsPerAddress, 16);
  });

  const invalid: [Record<string, string>, string, RegExp][] = [
    [{ PORT: 'eighty' }, 'PORT', /whole number/],
    [{ PORT: '70000' }, 'PORT', /from 0 to 65535/],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', /not a valid URL/],
    [{ DATABASE_URL: 'mysql://localhost/polls' }, 'DATABASE_URL', /postgres:\/\//],
    [{ DATABASE_SSL: 'maybe' }, 'DATABASE_SSL', /disable, require, verify-full/],
    [{ DATABASE_POOL_MAX: '0' }, 'DATABASE_POOL_MAX', /from 1/],
    [{ TRUST_PROXY: 'sometimes' }, 'TRUST_PROXY', /false, true or a number of proxy hops/],
    [{ TRUST_PROXY: '11' }, 'TRUST_PROXY', /from 0 to 10/],
    [{ TRUST_PROXY: '-1' }, 'TRUST_PROXY', /number of proxy hops/],
    [{ METRICS_PORT: 'internal' }, 'METRICS_PORT', /whole number/],
    [{ METRICS_PORT: '70000' }, 'METRICS_PORT', /from 0 to 65535/],
    [{ HTTP_MAX_CONNECTIONS: '0' }, 'HTTP_MAX_CONNECTIONS', /from 1 to 1000000/],
    [{ HTTP_MAX_CONNECTIONS: '5000' }, 'HTTP_MAX_CONNECTIONS', /must exceed MAX_STREAMS \(5000\)/],
    [
      { MAX_STREAMS: '100', HTTP_MAX_CONNECTIONS: '100' },
      'HTTP_MAX_CONNECTIONS',
      /must exceed MAX_STREAMS \(100\)/,
    ],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
    [{ VOTE_BATCH_WINDOW_MS: '2.5' }, 'VOTE_BATCH_WINDOW_MS', /whole number/],
    [{ VOTE_BATCH_WINDOW_MS: '101' }, 'VOTE_BATCH_WINDOW_MS', /from 0 to 100/],
    [{ INDEX_EDGE_MAX_AGE_SECONDS: 'soon' }, 'INDEX_EDGE_MAX_AGE_SECONDS', /whole number/],
    [{ INDEX_EDGE_MAX_AGE_SECONDS: '3601' }, 'INDEX_EDGE_MAX_AGE_SECONDS', /from 0 to 3600/],
    [{ MAX_STREAMS: 'many' }, 'MAX_STREAMS', /whole number/],
    [{ MAX_STREAMS: '100001' }, 'MAX_STREAMS', /from 0 to 100000/],
    [{ MAX_STREAMS_PER_ADDRESS: 'some' }, 'MAX_STREAMS_PER_ADDRESS', /whole number/],
    [
      { MAX_STREAMS: '100', MAX_STREAMS_PER_ADDRESS: '101' },
      'MAX_STREAMS_PER_ADDRESS',
      /must not exceed MAX_STREAMS \(100\)/,
    ],
    [
      { HTTP_MAX_IDLE_CONNECTIONS_PER_ADDRESS: '0' },
      'HTTP_MAX_IDLE_CONNECTIONS_PER_ADDRESS',
      /from 1 to 1000000/,
    ],
    [{ SESSION_KEYS: 'short' }, 'SESSION_KEYS', /at least 32 characters/],
    [{ NODE_ENV: 'production' }, 'SESSION_KEYS', /required when NODE_ENV=production/],
    // It becomes a response header: nothing that could end the header or start another.
    [{ SERVICE_REVISION: 'abc\r\nSet-Cookie: x=1' }, 'SERVICE_REVISION', /expected a commit id/],
    [{ SERVICE_REVISION: 'a'.repeat(65) }, 'SERVICE_REVISION', /64 at most/],
  ];
  for (const [env, variable, problem] of invalid) {
    it(`rejects ${JSON.stringify(env)} naming ${variable}`, () => {
      assert.throws(
        () => parseConfig(env),
        (error: unknown) =>
          error instanceof ConfigError && error.variable === variable && problem.test(error.message),
      );
    });
  }

  it('reads TRUST_PROXY as a number of proxy hops: false is none, true is one', () => {
    assert.equal(parseConfig({ TRUST_PROXY: 'false' }).trustProxyHops, 0);
    assert.equal(parseConfig({ TRUST_PROXY: 'TRUE' }).trustProxyHops, 1);
    assert.equal(parseConfig({ TRUST_PROXY: '0' }).trustProxyHops, 0);
    assert.equal(parseConfig({ TRUST_PROXY: '1' }).trustProxyHops, 1);
  });

  it('serves no metrics with METRICS_PORT=off, and any free port with 0', () => {
    assert.equal(parseConfig({ METRICS_PORT: 'off' }).metricsPort, undefined);
    assert.equal(parseConfig({ METRICS_PORT: '0' }).metricsPort, 0);
  });

  it('never puts the database password in its error messages', () => {
    assert.throws(
      () => parseConfig({ DATABASE_URL: 'mysql://app:hunter2@db/polls' }),
      (error: unknown) => error instanceof Error && !error.message.includes('hunter2'),
    );
  });
});
