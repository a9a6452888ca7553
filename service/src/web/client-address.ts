import { isIP } from 'node:net';
import type { Context } from 'koa';

/**
 * The client's address as throttling counts it: Koa's `ctx.ip` (the X-Forwarded-For entry TRUST_PROXY hops
 * from the right, or the socket's peer), when it is an IP address. Anything else (a client-written entry
 * when the hop count is set too high, an address with a port) counts as the proxy's own address, so it can
 * neither be chosen freely nor overflow the throttle's column. IPv4-mapped IPv6 counts as plain IPv4.
 */
export function clientAddress(ctx: Context): string {
  return addressOrUndefined(ctx.ip) ?? addressOrUndefined(ctx.req.socket.remoteAddress) ?? 'unknown';
}

function addressOrUndefined(candidate: string | undefined): string | undefined {
  if (!candidate) return undefined;
  const address = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(candidate)?.[1] ?? candidate;
  return isIP(address) !== 0 && address.length <= 45 ? address.toLowerCase() : undefined;
}
