import { randomBytes } from 'node:crypto';
import path from 'node:path';

export type DatabaseSsl = 'disable' | 'require' | 'verify-full';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  /** PostgreSQL server URL; undefined means the embedded database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Where the embedded database's templates are kept; undefined means beside the installed PGlite. */
  readonly embeddedTemplateDir: string | undefined;
  readonly databaseSsl: DatabaseSsl;
  readonly databasePoolMax: number;
  /** The first key signs cookies; all of them verify, so keys can be rotated. */
  readonly sessionKeys: readonly string[];
  /** True when the keys were generated for this run only (development). */
  readonly sessionKeysGenerated: boolean;
  /**
   * How many proxies in front of the service append to X-Forwarded-For (1 behind an ALB or ingress, 2 with a
   * CDN in front of them); 0 trusts no X-Forwarded-* header. The client is the entry that many from the right.
   */
  readonly trustProxyHops: number;
  /** The internal port of the Prometheus endpoint; 0 picks a free one, undefined serves no metrics. */
  readonly metricsPort: number | undefined;
  /** Open connections one process accepts; more are closed at once. */
  readonly httpMaxConnections: number;
  readonly logLevel: LogLevel;
  /** How long in-flight requests may take to finish after SIGTERM. */
  readonly shutdownDrainMs: number;
  /** How long a vote waits for others to share its commit; 0 commits each vote in its own transaction. */
  readonly voteBatchWindowMs: number;
  /** How long a shared cache (the CDN) may keep the index page; 0 keeps it out of shared caches. */
  readonly indexEdgeMaxAgeSeconds: number;
  /** How many live-results streams this process keeps open at most; more are refused with 503. */
  readonly maxStreams: number;
  /** The commit the image was built from (the image sets SERVICE_REVISION); undefined outside an image. */
  readonly revision: string | undefined;
  /** How many of them one client address may hold; more are refused with 429. */
  readonly maxStreamsPerAddress: number;
  /** Idle keep-alive connections one client address may keep open; beyond them a response closes its connection. */
  readonly httpMaxIdleConnectionsPerAddress: number;
}

/** A configuration mistake, reported as one line naming the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

const logLevels: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const sslModes: readonly DatabaseSsl[] = ['disable', 'require', 'verify-full'];
const minimumSessionKeyLength = 32;

export type DatabaseConfig = Pick<
  Config,
  'databaseUrl' | 'dataDir' | 'embeddedTemplateDir' | 'databaseSsl' | 'databasePoolMax'
>;

/** What the web service needs: everything. */
export function parseConfig(env: Environment = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const sessionKeys = parseSessionKeys(env.SESSION_KEYS, production);
  const maxStreams = integer(env, 'MAX_STREAMS', 5000, { min: 0, max: 100_000 });
  return {
    ...parseDatabaseConfig(env),
    production,
    port: integer(env, 'PORT', 3000, { min: 0, max: 65535 }),
    host: text(env, 'HOST') ?? '127.0.0.1',
    sessionKeys: sessionKeys ?? [randomBytes(32).toString('base64url')],
    sessionKeysGenerated: sessionKeys === undefined,
    trustProxyHops: proxyHops(env, 'TRUST_PROXY'),
    metricsPort: optionalPort(env, 'METRICS_PORT', 9464),
    httpMaxConnections: connectionLimit(env, maxStreams),
    logLevel: oneOf(env, 'LOG_LEVEL', logLevels, 'info'),
    shutdownDrainMs: integer(env, 'SHUTDOWN_DRAIN_SECONDS', 8, { min: 0, max: 300 }) * 1000,
    voteBatchWindowMs: integer(env, 'VOTE_BATCH_WINDOW_MS', 2, { min: 0, max: 100 }),
    indexEdgeMaxAgeSeconds: integer(env, 'INDEX_EDGE_MAX_AGE_SECONDS', 5, { min: 0, max: 3600 }),
    maxStreams,
    revision: revisionOf(env, 'SERVICE_REVISION'),
    maxStreamsPerAddress: streamsPerAddress(env, maxStreams),
    httpMaxIdleConnectionsPerAddress: integer(env, 'HTTP_MAX_IDLE_CONNECTIONS_PER_ADDRESS', 128, {
      min: 1,
      max: 1_000_000,
    }),
  };
}

/**
 * A school's NAT puts hundreds of viewers behind one address, and a replica gets its share of them: 1,000 lets
 * them watch, while one address can still take at most a fifth of the default MAX_STREAMS.
 */
const defaultStreamsPerAddress = 1000;

/** MAX_STREAMS_PER_ADDRESS: at most MAX_STREAMS, which an unset value follows when it is lower. */
function streamsPerAddress(env: Environment, maxStreams: number): number {
  const limit = integer(env, 'MAX_STREAMS_PER_ADDRESS', Math.min(defaultStreamsPerAddress, maxStreams), {
    min: 0,
    max: 100_000,
  });
  if (limit > maxStreams) {
    throw new ConfigError(
      'MAX_STREAMS_PER_ADDRESS',
      `must not exceed MAX_STREAMS (${maxStreams}); got ${limit}`,
    );
  }
  return limit;
}

/** Connections beside the live-results streams, for pages, votes and keep-alive clients. */
const requestConnections = 1024;

/**
 * HTTP_MAX_CONNECTIONS. Every open live-results stream is a connection of its own, so the limit must leave
 * room above MAX_STREAMS: otherwise the streams would take every connection, and the server would reset new
 * ones before MAX_STREAMS could answer them 503.
 */
function connectionLimit(env: Environment, maxStreams: number): number {
  const limit = integer(env, 'HTTP_MAX_CONNECTIONS', maxStreams + requestConnections, {
    min: 1,
    max: 1_000_000,
  });
  if (limit <= maxStreams) {
    throw new ConfigError(
      'HTTP_MAX_CONNECTIONS',
      `must exceed MAX_STREAMS (${maxStreams}), since every open stream is a connection; got ${limit}`,
    );
  }
  return limit;
}

/** What commands that only talk to the database need (migrate, account commands): no session keys. */
export function parseDatabaseConfig(env: Environment = process.env): DatabaseConfig {
  const templateDir = text(env, 'EMBEDDED_TEMPLATE_DIR');
  return {
    databaseUrl: parseDatabaseUrl(env.DATABASE_URL),
    dataDir: path.resolve(text(env, 'DATA_DIR') ?? '.data'),
    embeddedTemplateDir: templateDir === undefined ? undefined : path.resolve(templateDir),
    databaseSsl: oneOf(env, 'DATABASE_SSL', sslModes, 'disable'),
    databasePoolMax: integer(env, 'DATABASE_POOL_MAX', 10, { min: 1, max: 1000 }),
  };
}

function text(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function integer(
  env: Environment,
  name: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < range.min || value > range.max) {
    throw new ConfigError(name, `expected a number from ${range.min} to ${range.max}, got ${raw}`);
  }
  return value;
}

/** A commit id or a name like `unknown`: it goes into a response header, so nothing else is accepted. */
function revisionOf(env: Environment, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined || /^[\w.-]{1,64}$/.test(raw)) return raw;
  throw new ConfigError(name, `expected a commit id (letters, digits, . _ -; 64 at most), got "${raw}"`);
}

const maxProxyHops = 10;

/** `false` (0 hops), `true` (1 hop: the usual single balancer) or a number of hops. */
function proxyHops(env: Environment, name: string): number {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined || raw === 'false') return 0;
  if (raw === 'true') return 1;
  if (/^\d+$/.test(raw) && Number(raw) <= maxProxyHops) return Number(raw);
  throw new ConfigError(
    name,
    `expected false, true or a number of proxy hops from 0 to ${maxProxyHops}, got "${raw}"`,
  );
}

/** A port, or `off` for none. */
function optionalPort(env: Environment, name: string, fallback: number): number | undefined {
  if (text(env, name)?.toLowerCase() === 'off') return undefined;
  return integer(env, name, fallback, { min: 0, max: 65535 });
}

function oneOf<T extends string>(env: Environment, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const match = allowed.find((option) => option === raw.toLowerCase());
  if (!match) throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got "${raw}"`);
  return match;
}

function parseDatabaseUrl(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      'DATABASE_URL',
      'not a valid URL (expected postgres://user:password@host:5432/database)',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `expected a postgres:// URL, got a ${url.protocol}// URL`);
  }
  return value;
}

function parseSessionKeys(raw: string | undefined, production: boolean): string[] | undefined {
  const keys = (raw ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  if (keys.length === 0) {
    if (production) throw new ConfigError('SESSION_KEYS', 'required when NODE_ENV=production');
    return undefined;
  }
  if (keys.some((key) => key.length < minimumSessionKeyLength)) {
    throw new ConfigError(
      'SESSION_KEYS',
      `every key must be at least ${minimumSessionKeyLength} characters long`,
    );
  }
  return keys;
}
