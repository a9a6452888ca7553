import type { Socket } from 'node:net';
import type { Middleware } from 'koa';
import { clientAddress } from './client-address.js';

/**
 * Caps the keep-alive connections one client address (as TRUST_PROXY determines it) leaves idle: past the cap,
 * a response closes its connection instead of leaving it open for the keep-alive timeout (65 s, server.ts).
 * Without it one address could fill HTTP_MAX_CONNECTIONS with idle connections, and every new connection
 * would be closed at once. A browser closed this way opens a new connection for its next request; a
 * proxy's pooled connection is counted for the client it last carried, and reopened alike. A connection that
 * never sends a request is not counted here: the headers timeout (5 s) closes it.
 */
export function limitIdleConnections(maxIdlePerAddress: number): Middleware {
  const idleByAddress = new Map<string, Set<Socket>>();
  /** The address whose idle connection each idle socket is, until its next request or its end. */
  const idleFor = new WeakMap<Socket, string>();
  const watched = new WeakSet<Socket>();
  const busy = (socket: Socket) => {
    const address = idleFor.get(socket);
    if (address === undefined) return;
    idleFor.delete(socket);
    const idle = idleByAddress.get(address);
    if (idle?.delete(socket) && idle.size === 0) idleByAddress.delete(address);
  };
  const idle = (socket: Socket, address: string) => {
    if (socket.destroyed) return;
    if (!watched.has(socket)) {
      watched.add(socket);
      socket.once('close', () => busy(socket));
    }
    idleFor.set(socket, address);
    let sockets = idleByAddress.get(address);
    if (!sockets) idleByAddress.set(address, (sockets = new Set()));
    sockets.add(socket);
  };
  return async (ctx, next) => {
    const socket = ctx.req.socket;
    busy(socket);
    const address = clientAddress(ctx);
    try {
      await next();
    } finally {
      // Decided before the response goes out, so its headers can still say so.
      if ((idleByAddress.get(address)?.size ?? 0) >= maxIdlePerAddress) ctx.set('Connection', 'close');
      else ctx.res.once('finish', () => idle(socket, address));
    }
  };
}
