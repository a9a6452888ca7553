import knex, { type Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config, DatabaseConfig, DatabaseSsl } from '../config.js';
import { RepeatedLogLines } from '../repeated-log-lines.js';
import { databaseCertificateAuthorities } from './database-certificates.js';
import { listenOnServer, type ChannelListener } from './listener.js';

export interface Database {
  readonly knex: Knex;
  /** `embedded` is PGlite in DATA_DIR: one process, migrated on start. */
  readonly kind: 'server' | 'embedded';
  /** The listener of `channel` on this database: one per channel, shared, closed with the database. */
  listen(channel: string): ChannelListener;
  close(): Promise<void>;
}

/** `logger` receives Knex's own reports (lost connections, failed acquires) instead of the console. */
export async function openDatabase(config: DatabaseConfig, logger?: Logger): Promise<Database> {
  if (config.databaseUrl) return connectToServer(config.databaseUrl, { ...config, logger });
  // Loaded only here: a process on a server never holds PGlite and its Knex client in memory.
  const { openEmbeddedDatabase } = await import('./embedded-database.js');
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

/** The database around `db`, with its listeners made by `listen`, closed before `db` is destroyed. */
export function withListeners(
  kind: Database['kind'],
  db: Knex,
  listen: (channel: string) => ChannelListener,
  release: () => void = () => {},
): Database {
  const listeners = new Listeners(listen);
  return {
    knex: db,
    kind,
    listen: (channel) => listeners.get(channel),
    async close() {
      await listeners.close();
      await db.destroy();
      release();
    },
  };
}

/** One listener per channel, made on first use: every part of the process that listens shares its session. */
class Listeners {
  private readonly byChannel = new Map<string, ChannelListener>();

  constructor(private readonly create: (channel: string) => ChannelListener) {}

  get(channel: string): ChannelListener {
    let listener = this.byChannel.get(channel);
    if (!listener) {
      listener = this.create(channel);
      this.byChannel.set(channel, listener);
    }
    return listener;
  }

  async close(): Promise<void> {
    await Promise.all([...this.byChannel.values()].map((listener) => listener.close()));
    this.byChannel.clear();
  }
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
