import { serviceDrainSeconds, servicePort } from '../config';

/**
 * What the service image promises (see the Dockerfile and DESIGN.md). Every Kubernetes object that runs the
 * image reads these facts from here, so the drain time, port and user are named once.
 */
export const serviceImage = {
  /** The port `serve.js` listens on; HOST is set to 0.0.0.0 by the image. */
  port: servicePort,
  /** The image's non-root `node` user; it writes nothing but /tmp. */
  userId: 1000,
  groupId: 1000,
  /** The default CMD; stated explicitly so the Deployment never depends on the image's metadata. */
  serveCommand: ['node', 'service/dist/bin/serve.js'],
  /** Runs every pending migration under a PostgreSQL advisory lock, then exits. */
  migrateCommand: ['node', 'service/dist/bin/migrate.js'],
  livenessPath: '/healthz',
  /** 503 while the database is unreachable, the schema is behind, or the process is draining. */
  readinessPath: '/readyz',
  metricsPath: '/metrics',
  /** After SIGTERM the service finishes in-flight requests for at most this long. */
  drainSeconds: serviceDrainSeconds,
} as const;

/** The environment variables that carry secrets; their values only ever come from a Kubernetes Secret. */
export const secretEnvironment = {
  databaseUrl: 'DATABASE_URL',
  sessionKeys: 'SESSION_KEYS',
} as const;

export type SecretKey = keyof typeof secretEnvironment;
export type SecretValues<Value> = Record<SecretKey, Value>;
