/**
 * What the service image promises and both platforms rely on: its commands, ports, health paths, drain time
 * and the environment variables it reads (service/src/config.ts; docs/architecture.md has the table).
 * `ec2/` and `k8s/` read every such fact from here, and test/service-contract.test.ts checks them against the
 * service's own configuration parser.
 */

/** The port the service listens on inside its container (PORT; the image's default too). */
export const CONTAINER_PORT = 3000;
/** The internal port that serves /metrics (METRICS_PORT, the service's default); never routed publicly. */
export const METRICS_PORT = 9464;
/** The ports the public load balancers (the ALB, the ingress controller's NLB) answer on. */
/**
 * Open files for the service's container on ec2. Every connection is a file descriptor, and the service
 * accepts up to HTTP_MAX_CONNECTIONS of them (by default MAX_STREAMS + 1024 = 6,024, service/src/config.ts):
 * stated here so the container never inherits a lower default from the Docker daemon.
 */
export const openFilesLimit = 65536;
export const PUBLIC_HTTP_PORT = 80;
export const PUBLIC_HTTPS_PORT = 443;

/** The image's default CMD, stated explicitly so no platform depends on the image's metadata. */
export const serveCommand = ['node', 'service/dist/bin/serve.js'] as const;
/** Runs every pending migration under a PostgreSQL advisory lock, then exits. */
export const migrateCommand = ['node', 'service/dist/bin/migrate.js'] as const;

export const healthPaths = {
  /** 200 whenever the process serves; touches nothing else. */
  liveness: '/healthz',
  /** 503 while the database is unreachable, the schema is behind, or the process is draining. */
  readiness: '/readyz',
  metrics: '/metrics',
} as const;

/**
 * Sessions each serving process holds beside its pool: one LISTEN session per channel it listens on
 * (service/src/app.ts listens on two: questions changed, votes counted; a test counts them there).
 */
export const listenerSessions = 2;

/** The response header in which the service names the commit its image was built from (SERVICE_REVISION). */
export const revisionHeader = 'Polls-Revision';

/** The image's non-root `node` user; it writes nothing but /tmp. */
export const imageUser = { userId: 1000, groupId: 1000 } as const;

/**
 * After SIGTERM the service finishes in-flight requests for at most this long. Passed explicitly as
 * SHUTDOWN_DRAIN_SECONDS, so the platforms' stop timeouts never rely on the service's default.
 */
export const drainSeconds = 10;
/** After the drain the service closes its pool and exits (it forces its own exit 1.5 s later). */
const exitMarginSeconds = 5;

/**
 * How long whoever stops the service (`docker stop`, the kubelet) waits before SIGKILL: any pause before
 * SIGTERM, the drain, and the margin for exit.
 */
export function stopTimeoutSeconds(pauseBeforeSigtermSeconds = 0): number {
  return pauseBeforeSigtermSeconds + drainSeconds + exitMarginSeconds;
}

/** The environment variables the platforms set, by meaning. */
export const environmentNames = {
  nodeEnv: 'NODE_ENV',
  port: 'PORT',
  host: 'HOST',
  trustProxy: 'TRUST_PROXY',
  databaseSsl: 'DATABASE_SSL',
  logLevel: 'LOG_LEVEL',
  shutdownDrainSeconds: 'SHUTDOWN_DRAIN_SECONDS',
  metricsPort: 'METRICS_PORT',
  databasePoolMax: 'DATABASE_POOL_MAX',
  databaseUrl: 'DATABASE_URL',
  sessionKeys: 'SESSION_KEYS',
  maxStreams: 'MAX_STREAMS',
  maxStreamsPerAddress: 'MAX_STREAMS_PER_ADDRESS',
  httpMaxIdleConnectionsPerAddress: 'HTTP_MAX_IDLE_CONNECTIONS_PER_ADDRESS',
} as const;

/**
 * The service container's memory limit on each platform: the Deployment's limit (k8s/resources.ts) and
 * `docker run --memory` (ec2/user-data.ts). Past it the container is killed, with the votes of its batch.
 */
export const serviceMemoryLimitsMiB = { eks: 256, ec2: 256 } as const;

/**
 * What the service's memory is made of, measured by `npm run bench:streams -w service` on 2026-12-08 (figures
 * and method: docs/live-results.md, "What a stream costs"): RSS of a warmed process without streams (103-112 MB),
 * and what each open stream adds (15.2-16.6 KB, whatever its client sent: the service keeps no request headers
 * of a stream), rounded up.
 */
export const serviceMemory = { withoutStreamsMiB: 112, perStreamKiB: 17 } as const;

/** A quarter of the limit stays free: garbage not yet collected, bursts of requests, headers being parsed. */
const memoryMargin = 0.25;

/** The most open streams whose memory fits `limitMiB` beside a process without streams, with the margin kept. */
export function streamsThatFit(
  limitMiB: number,
  memory: { withoutStreamsMiB: number; perStreamKiB: number } = serviceMemory,
): number {
  const forStreamsMiB = limitMiB * (1 - memoryMargin) - memory.withoutStreamsMiB;
  return Math.max(0, Math.floor((forStreamsMiB * 1024) / memory.perStreamKiB));
}

/**
 * MAX_STREAMS, MAX_STREAMS_PER_ADDRESS and HTTP_MAX_IDLE_CONNECTIONS_PER_ADDRESS as the platforms set them,
 * stated here so the memory check below sees the value that runs. MAX_STREAMS is below the service's default
 * (5,000): at the measured cost, 5,000 streams leave less than a quarter of 256 MiB spare. A school's NAT
 * (hundreds of viewers behind one address) still watches within the per-address share (the service's default).
 */
export const streamLimits = {
  maxStreams: 4500,
  maxStreamsPerAddress: 1000,
  idleConnectionsPerAddress: 128,
} as const;

/** Refuses a MAX_STREAMS whose streams would not fit `limitMiB`: the container would be killed under them. */
export function checkStreamsFitMemory(maxStreams: number, limitMiB: number): void {
  const fit = streamsThatFit(limitMiB);
  if (maxStreams > fit) {
    throw new Error(
      `MAX_STREAMS ${maxStreams} does not fit the service's ${limitMiB} MiB memory limit: at ` +
        `${serviceMemory.perStreamKiB} KiB per stream beside ${serviceMemory.withoutStreamsMiB} MiB, at most ${fit} ` +
        '(stacks/src/service-contract.ts)',
    );
  }
}

/** The variables that carry secrets: their values only ever come from Secrets Manager or a Kubernetes Secret. */
export const secretEnvironment = {
  databaseUrl: environmentNames.databaseUrl,
  sessionKeys: environmentNames.sessionKeys,
} as const;

export type SecretKey = keyof typeof secretEnvironment;
export type SecretValues<Value> = Record<SecretKey, Value>;

export interface ServiceEnvironmentSettings {
  logLevel: string;
  /** How many proxies in front of the service append to X-Forwarded-For; see {@link trustedProxyHops}. */
  trustedProxyHops: number;
  /** The pool of each process, sized to what the database class accepts (database-connections.ts). */
  databasePoolMax: number;
}

/**
 * The proxies that append the client's address to X-Forwarded-For before the service: the ALB or the ingress
 * controller (the NLB passes TCP through and adds nothing), and CloudFront when the stack has a CDN. The
 * service trusts exactly that many entries from the right (TRUST_PROXY as Koa's maxIpsCount), so the login
 * throttle and the logs see the voter's address, and an address a client wrote into the header is ignored.
 */
export function trustedProxyHops(cdn: boolean): number {
  return cdn ? 2 : 1;
}

/**
 * The plain (non-secret) environment of the serve and migrate commands on every platform: production mode,
 * listening on all interfaces of the container, behind the proxies that set X-Forwarded-*, TLS to RDS.
 */
export function serviceEnvironment(settings: ServiceEnvironmentSettings): Record<string, string> {
  for (const limitMiB of Object.values(serviceMemoryLimitsMiB))
    checkStreamsFitMemory(streamLimits.maxStreams, limitMiB);
  return {
    [environmentNames.nodeEnv]: 'production',
    [environmentNames.port]: String(CONTAINER_PORT),
    [environmentNames.host]: '0.0.0.0',
    [environmentNames.trustProxy]: String(settings.trustedProxyHops),
    // The image carries Amazon RDS's CAs, so both platforms check the server's certificate and name.
    [environmentNames.databaseSsl]: 'verify-full',
    [environmentNames.logLevel]: settings.logLevel,
    [environmentNames.shutdownDrainSeconds]: String(drainSeconds),
    [environmentNames.databasePoolMax]: String(settings.databasePoolMax),
    [environmentNames.maxStreams]: String(streamLimits.maxStreams),
    [environmentNames.maxStreamsPerAddress]: String(streamLimits.maxStreamsPerAddress),
    [environmentNames.httpMaxIdleConnectionsPerAddress]: String(streamLimits.idleConnectionsPerAddress),
  };
}
