import assert from 'node:assert/strict';
import {
  CONTAINER_PORT,
  METRICS_PORT,
  drainSeconds,
  environmentNames,
  listenerSessions,
  openFilesLimit,
  revisionHeader,
  secretEnvironment,
  serviceEnvironment,
  stopTimeoutSeconds,
  trustedProxyHops,
  checkStreamsFitMemory,
  serviceMemory,
  serviceMemoryLimitsMiB,
  streamLimits,
  streamsThatFit,
} from '../src/service-contract';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseWithServiceConfig, type ParseResult } from './support/service-config';

/** The hops without a CDN: 1, which the service reads as `true` until it reads a number of hops. */
const oneHop = { trustedProxyHops: trustedProxyHops(false), databasePoolMax: 10 };

/** Secret values shaped as the service requires them (SESSION_KEYS: 32+ characters). */
const secretValues = {
  [secretEnvironment.databaseUrl]: 'postgres://polls:secret@db.example.internal:5432/polls',
  [secretEnvironment.sessionKeys]: 'k'.repeat(64),
};

function accepted(result: ParseResult | undefined): Record<string, unknown> {
  if (!result || !('config' in result)) throw new Error(`rejected: ${JSON.stringify(result)}`);
  return result.config;
}

describe('service contract', () => {
  describe('the environment the platforms pass', () => {
    const environment = {
      ...serviceEnvironment({ logLevel: 'info', ...oneHop }),
      ...secretValues,
    };
    let config: Record<string, unknown>;
    before(() => (config = accepted(parseWithServiceConfig([environment])[0])));

    it('is accepted by the service as production behind a proxy', () => {
      assert.equal(config.production, true);
      assert.equal(config.trustProxyHops, 1);
      assert.equal(config.databaseSsl, 'verify-full');
      assert.equal(config.host, '0.0.0.0');
      assert.equal(config.databaseUrl, secretValues.DATABASE_URL);
    });

    it('gives every process the pool the stack sized for the database class', () => {
      assert.equal(config.databasePoolMax, oneHop.databasePoolMax);
    });

    it('makes the service listen on the container port the platforms route to', () => {
      assert.equal(config.port, CONTAINER_PORT);
    });

    it('gives the service the stream limits the memory check saw', () => {
      assert.equal(config.maxStreams, streamLimits.maxStreams);
      assert.equal(config.maxStreamsPerAddress, streamLimits.maxStreamsPerAddress);
      assert.equal(config.httpMaxIdleConnectionsPerAddress, streamLimits.idleConnectionsPerAddress);
    });

    it('makes the service drain for exactly the seconds the stop timeouts are derived from', () => {
      assert.equal(config.shutdownDrainMs, drainSeconds * 1000);
      assert.ok(stopTimeoutSeconds() > drainSeconds);
    });
  });

  it('names only variables the service reads: a bad value in each is rejected naming it', () => {
    const base = {
      ...serviceEnvironment({ logLevel: 'info', ...oneHop }),
      ...secretValues,
    };
    const invalid: Record<string, string> = {
      [environmentNames.port]: 'not-a-port',
      [environmentNames.trustProxy]: 'perhaps',
      [environmentNames.databaseSsl]: 'sometimes',
      [environmentNames.logLevel]: 'loud',
      [environmentNames.shutdownDrainSeconds]: 'soon',
      [environmentNames.databaseUrl]: 'mysql://db',
      [environmentNames.sessionKeys]: 'short',
      [environmentNames.maxStreams]: 'many',
      [environmentNames.maxStreamsPerAddress]: 'some',
      [environmentNames.httpMaxIdleConnectionsPerAddress]: 'none',
    };
    const names = Object.keys(invalid);
    const results = parseWithServiceConfig(names.map((name) => ({ ...base, [name]: invalid[name]! })));
    assert.deepEqual(
      results.map((result) => ('rejected' in result ? result.rejected : 'accepted')),
      names,
    );
  });

  it('needs NODE_ENV=production for the service to insist on SESSION_KEYS', () => {
    const base = { ...serviceEnvironment({ logLevel: 'info', ...oneHop }) };
    const [production] = parseWithServiceConfig([base]);
    assert.deepEqual(
      production && 'rejected' in production && production.rejected,
      environmentNames.sessionKeys,
    );
    assert.equal(environmentNames.nodeEnv, 'NODE_ENV');
  });

  it('makes the service count one more proxy hop behind the CDN', () => {
    const [behindCdn] = parseWithServiceConfig([
      {
        ...serviceEnvironment({
          ...oneHop,
          logLevel: 'info',
          trustedProxyHops: trustedProxyHops(true),
        }),
        ...secretValues,
      },
    ]);
    assert.equal(accepted(behindCdn).trustProxyHops, 2);
  });

  it('leaves the service more open files on ec2 than the connections it accepts by default', () => {
    const [config] = parseWithServiceConfig([
      { ...serviceEnvironment({ logLevel: 'info', ...oneHop }), ...secretValues },
    ]);
    const connections = accepted(config).httpMaxConnections as number;
    assert.ok(connections > 1024, String(connections));
    assert.ok(
      openFilesLimit > connections + 100,
      `${openFilesLimit} open files for ${connections} connections`,
    );
  });

  describe('streams and memory', () => {
    it('fits MAX_STREAMS in each platform memory limit, with a quarter of it to spare', () => {
      for (const limitMiB of Object.values(serviceMemoryLimitsMiB)) {
        const used =
          serviceMemory.withoutStreamsMiB + (streamLimits.maxStreams * serviceMemory.perStreamKiB) / 1024;
        assert.ok(used <= limitMiB * 0.75, `${used} MiB of ${limitMiB} MiB`);
      }
    });

    it('refuses a MAX_STREAMS whose streams would not fit, naming the variable and the most that fits', () => {
      const fit = streamsThatFit(256);
      assert.doesNotThrow(() => checkStreamsFitMemory(fit, 256));
      assert.throws(
        () => checkStreamsFitMemory(fit + 1, 256),
        new RegExp(`^Error: MAX_STREAMS.*at most ${fit} `),
      );
    });

    it('counts nothing for streams when the process alone takes the limit', () => {
      assert.equal(streamsThatFit(64, { withoutStreamsMiB: 100, perStreamKiB: 10 }), 0);
    });
  });

  it('agrees with the service on the metrics port', () => {
    const base = {
      ...serviceEnvironment({ logLevel: 'info', ...oneHop }),
      ...secretValues,
    };
    const [unset, invalid] = parseWithServiceConfig([base, { ...base, [environmentNames.metricsPort]: 'x' }]);
    assert.equal(invalid && 'rejected' in invalid && invalid.rejected, environmentNames.metricsPort);
    assert.equal(accepted(unset).metricsPort, METRICS_PORT);
  });

  // The pipeline's smoke check reads the header the service sets (service/src/web/revision-header.ts, ESM: read
  // in a child process as the config parser is).
  it('agrees with the service on the header that names the revision', () => {
    const module = path.resolve(__dirname, '../../service/src/web/revision-header.ts');
    const printed = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '--eval',
        'process.stdout.write((await import(process.argv[1])).revisionHeaderName)',
        module,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(printed.stdout, revisionHeader, printed.stderr);
  });

  // Each channel the app listens on is a session of its own beside the pool (service/src/db/database.ts).
  it('counts the listener sessions the service holds: one per channel its app listens on', () => {
    const app = readFileSync(path.resolve(__dirname, '../../service/src/app.ts'), 'utf8');
    const channels = new Set([...app.matchAll(/database\.listen\((\w+)\)/g)].map((match) => match[1]));
    assert.equal(channels.size, listenerSessions, [...channels].join(', '));
  });
});
