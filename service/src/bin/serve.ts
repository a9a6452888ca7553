import { createApp } from '../app.js';
import { ConfigError, parseConfig } from '../config.js';
import { addDemoPollsIfEmpty } from '../db/demo-polls.js';
import { openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrator.js';
import { Readiness } from '../health/readiness.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics/metrics.js';
import { metricsApp } from '../metrics/metrics-server.js';
import { flushRepeatedLogLines } from '../repeated-log-lines.js';
import { listen } from '../server.js';

// The last resort if draining and closing hang: an orchestrator would kill us soon after anyway.
const forcedExitMarginMs = 1_500;
// One scraper or two; a few more for a person with curl.
const metricsMaxConnections = 16;

async function main(): Promise<void> {
  const config = parseConfig();
  const logger = createLogger(config.logLevel);
  if (config.sessionKeysGenerated) {
    logger.warn(
      'SESSION_KEYS is not set: using a random key for this run; sessions and forms end on restart',
    );
  }

  const database = await openDatabase(config, logger);
  if (database.kind === 'embedded') {
    // The embedded database belongs to this process alone, so it migrates itself. A server never does:
    // `npm run migrate` runs once per release, before the new version takes traffic.
    const { applied } = await migrateToLatest(database.knex, { serialise: false });
    if (applied.length > 0) logger.info({ applied }, 'migrated the embedded database');
    const added = await addDemoPollsIfEmpty(database.knex);
    if (added > 0) logger.info({ added }, 'added demo polls to the empty embedded database');
  }

  const readiness = new Readiness(database.knex);
  const metrics = createMetrics(database.knex);
  const app = createApp({ config, database, readiness, metrics, logger });
  const server = await listen(app, config.port, config.host, { maxConnections: config.httpMaxConnections });
  // A second server on the internal port, so the public one never answers /metrics.
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : await listen(metricsApp(metrics), config.metricsPort, config.host, {
          maxConnections: metricsMaxConnections,
        });
  logger.info(
    { url: server.url, metricsUrl: metricsServer && `${metricsServer.url}/metrics`, database: database.kind },
    'polls is serving',
  );

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, drainMs: config.shutdownDrainMs }, 'shutting down: draining requests');
    setTimeout(() => {
      logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, config.shutdownDrainMs + forcedExitMarginMs).unref();
    readiness.startDraining();
    await server.close(config.shutdownDrainMs);
    // Scraped until the last request is done, so the drain's own figures are not lost.
    await metricsServer?.close(0);
    await database.close();
    flushRepeatedLogLines();
    logger.info('stopped');
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stop(signal).catch((error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exitCode = 1;
    });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`polls: invalid configuration: ${error.message}`);
  } else {
    console.error(
      `polls: could not start: ${error instanceof Error ? (error.stack ?? error.message) : error}`,
    );
  }
  // Exit now: what opened before the failure (the database's pool and listener, perhaps the public port)
  // would keep a half-started process alive and, worse, serving.
  process.exit(1);
});
