import knex, { type Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config, DatabaseConfig, DatabaseSsl } from '../config.js';
import { RepeatedLogLines } from '../repeated-log-lines.js';
import { databaseCertificateAuthorities } from './database-certificates.js';
import { withListeners, type Database } from './database.js';
import { listenOnServer } from './listener.js';

/** `logger` receives Knex's own reports (lost connections, failed acquires) instead of the console. */
export async function openDatabase(config: DatabaseConfig, logger?: Logger): Promise<Database> {
  if (config.databaseUrl) return connectToServer(config.databaseUrl, { ...config, logger });
  // Loaded only here: a process on a server never holds PGlite and its Knex client in memory.
  const { openEmbeddedDatabase } = await import('./embedded.js');
  return openEmbeddedDatabase(config.dataDir, config.embeddedTemplateDir);
}

export function connectToServer(
  url: string,
  options: Pick<Config, 'databaseSsl' | 'databasePoolMax'> & { logger?: Logger } = {
    databaseSsl: 'disable',
    databasePoolMax: 10,
  },
): Database {
  const connection = { connectionString: url, ssl: sslOptions(options.databaseSsl) };
  const db = knex({
    client: 'pg',
    connection,
    pool: { min: 0, max: options.databasePoolMax, idleTimeoutMillis: 30_000 },
    // While the server is down, fail requests fast instead of queueing them for the default 60 s.
    acquireConnectionTimeout: 5_000,
    ...(options.logger && { log: knexLog(options.logger) }),
  });
  return withListeners('server', db, (channel) => listenOnServer(connection, channel));
}

export function sslOptions(mode: DatabaseSsl): false | { rejectUnauthorized: boolean; ca?: string[] } {
  switch (mode) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-full':
      // pg then checks the chain against these and the host name against the certificate.
      return {
        rejectUnauthorized: true,
        ca: databaseCertificateAuthorities(process.env.NODE_EXTRA_CA_CERTS),
      };
  }
}

/**
 * Knex's reports as JSON log lines: plain console lines would break the log's one-object-per-line format.
 * An outage makes Knex report every failed acquire alike; the repeats become one line with their count.
 */
function knexLog(logger: Logger): Knex.Logger {
  const log = logger.child({ source: 'knex' });
  const repeats = new RepeatedLogLines();
  const throttled = (level: 'warn' | 'error') => (message: unknown) =>
    repeats.write(`${level} ${String(message)}`, (repeated) =>
      log[level](repeated ? { repeated } : {}, String(message)),
    );
  return {
    warn: throttled('warn'),
    error: throttled('error'),
    debug: (message: unknown) => log.debug(String(message)),
    deprecate: (method: string, alternative: string) =>
      log.warn(`${method} is deprecated, use ${alternative}`),
  };
}
