import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  /** Stops accepting connections and waits up to `drainMs` for in-flight requests, then cuts the rest. */
  close(drainMs: number): Promise<void>;
}

export async function listen(app: Koa, port: number, host: string): Promise<RunningServer> {
  const handle = app.callback();
  // Koa settles every request itself (errors go to the app's error handling), so nothing awaits it here.
  const server = createServer((request, response) => void handle(request, response));
  // Longer than a load balancer's idle timeout (ALB: 60 s), so the balancer, not we, closes idle connections.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
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
