import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

/**
 * How long a client may take, made consistent: its headers within 5 s and its whole request, body included,
 * within 10 s of its first byte (a 16 kB body at 2G speed takes under 3 s), checked every second so a slow
 * client is cut at most 1 s late (Node checks every 30 s by default: slow bodies held a connection for 72 s).
 * Idle keep-alive connections are not requests and wait for the idle timeout alone.
 */
export const clientTimeouts = {
  headersMs: 5_000,
  requestMs: 10_000,
  checkEveryMs: 1_000,
  // Longer than a load balancer's idle timeout (ALB: 60 s), so the balancer, not we, closes idle connections.
  keepAliveIdleMs: 65_000,
  /**
   * TCP keep-alive: after this long without a packet from the peer, Node has the kernel send a probe every
   * second, 10 at most (TCP_KEEPINTVL=1, TCP_KEEPCNT=10: Node's socket.setKeepAlive docs), so a connection
   * whose peer vanished while nothing was in flight is reset 40 s after its last packet. Linux sends no probe
   * while data is unacknowledged (tcp_keepalive_timer in net/ipv4/tcp_timer.c), so a stream, whose heartbeats
   * stay unacknowledged once its client is gone, is freed by its lifetime instead (live-counts.ts). Above
   * the 15 s heartbeat, so a stream whose client acknowledges each heartbeat is never probed.
   */
  tcpKeepAliveDelayMs: 30_000,
} as const;

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  /** Stops accepting connections and waits up to `drainMs` for in-flight requests, then cuts the rest. */
  close(drainMs: number): Promise<void>;
}

/** Serves `app` on `port` (0: any free one); connections beyond `maxConnections` are closed at once. */
export async function listen(
  app: Koa,
  port: number,
  host: string,
  { maxConnections }: { maxConnections?: number } = {},
): Promise<RunningServer> {
  const handle = app.callback();
  // Koa settles every request itself (errors go to the app's error handling), so nothing awaits it here.
  const server = createServer(
    {
      headersTimeout: clientTimeouts.headersMs,
      requestTimeout: clientTimeouts.requestMs,
      connectionsCheckingInterval: clientTimeouts.checkEveryMs,
      keepAlive: true,
      keepAliveInitialDelay: clientTimeouts.tcpKeepAliveDelayMs,
    },
    (request, response) => void handle(request, response),
  );
  server.keepAliveTimeout = clientTimeouts.keepAliveIdleMs;
  if (maxConnections !== undefined) server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    close: (drainMs) => closeGracefully(server, drainMs),
  };
}

function closeGracefully(server: Server, drainMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
    deadline.unref();
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    // Idle keep-alive connections would hold close() open until they time out.
    server.closeIdleConnections();
  });
}
