import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Middleware } from 'koa';
import { routeLabel } from '../metrics/metrics.js';

// A few URLs (the index and its case variants) times a few codings; a bound all the same, since clients
// choose URLs and headers freely.
const maxKept = 64;
// Made for each request anew; a response that sets a cookie is never shared.
const perRequestHeaders = new Set(['x-request-id', 'connection', 'date']);
// The responses their routes marked shared, until the keeping middleware looks.
const marked = new WeakMap<Context, () => boolean>();

/** What is done for every request, whether the application answers it or a kept response does. */
export interface PerRequestWork {
  requestId(offered: string | undefined): string;
  /** True when the response should ask the client to close its connection (the process is draining). */
  closeConnection(): boolean;
  /** After a kept response was sent: the access log and the metrics. */
  served(request: ServedRequest): void;
}

export interface ServedRequest {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  /** The metrics label of the route the response was made by. */
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
}

export interface SharedResponsesOptions {
  /** The request headers that a shared response may depend on, besides its method and URL. */
  readonly varyOn: readonly string[];
  readonly perRequest: PerRequestWork;
}

interface Kept {
  readonly status: number;
  readonly route: string;
  readonly path: string;
  /** Names and values, alternating, as `writeHead` takes them. */
  readonly headers: readonly string[];
  readonly body: Buffer;
  readonly stillCurrent: () => boolean;
}

/**
 * Says that this response is the same for every visitor and stays right while `stillCurrent()` is true,
 * so it may be sent again without the application making it.
 */
export function markShared(ctx: Context, stillCurrent: () => boolean): void {
  marked.set(ctx, stillCurrent);
}

/**
 * Responses that are the same for every visitor, kept once the application has made them and sent again
 * straight from the HTTP layer: the index page, which every visitor gets alike and which changes only when a
 * question does, costs a fraction of going through Koa and its middleware each time.
 *
 * A kept response is reused for the same method (GET), URL and values of the `varyOn` headers only, and
 * only while its route says it is current. The headers that differ per request are made for each one, and
 * each is logged and measured as the application's own responses are.
 */
export class SharedResponses {
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly options: SharedResponsesOptions) {}

  /** Koa middleware: keeps the responses marked shared. Goes inside the per-request work, outside the rest. */
  readonly keep: Middleware = async (ctx, next) => {
    await next();
    const stillCurrent = marked.get(ctx);
    if (!stillCurrent || ctx.method !== 'GET' || ctx.status !== 200 || !Buffer.isBuffer(ctx.body)) return;
    if (ctx.response.get('Set-Cookie') || !stillCurrent()) return;
    const headers: string[] = [];
    // Names as they were set: Node has getRawHeaderNames on every outgoing message, typed on ClientRequest only.
    for (const name of (ctx.res as ServerResponse & { getRawHeaderNames(): string[] }).getRawHeaderNames()) {
      if (perRequestHeaders.has(name.toLowerCase())) continue;
      const value = ctx.res.getHeader(name);
      for (const one of Array.isArray(value) ? value : [value]) headers.push(name, String(one));
    }
    const key = this.keyOf(ctx.req);
    this.kept.delete(key);
    if (this.kept.size >= maxKept) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(key, {
      status: ctx.status,
      route: routeLabel(ctx),
      path: ctx.path,
      headers,
      body: ctx.body,
      stillCurrent,
    });
  };

  /** Sends the kept response for this request if there is a current one; false leaves it to the app. */
  serve(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'GET' || this.kept.size === 0) return false;
    const key = this.keyOf(request);
    const kept = this.kept.get(key);
    if (!kept) return false;
    if (!kept.stillCurrent()) {
      this.kept.delete(key);
      return false;
    }
    const started = performance.now();
    const { perRequest } = this.options;
    const requestId = perRequest.requestId(single(request.headers['x-request-id']));
    const headers = [...kept.headers, 'X-Request-Id', requestId];
    if (perRequest.closeConnection()) headers.push('Connection', 'close');
    response.writeHead(kept.status, headers);
    response.end(kept.body);
    perRequest.served({
      requestId,
      method: 'GET',
      path: kept.path,
      route: kept.route,
      status: kept.status,
      durationMs: performance.now() - started,
    });
    return true;
  }

  private keyOf(request: { url?: string | undefined; headers: IncomingHttpHeaders }): string {
    let key = request.url ?? '';
    for (const name of this.options.varyOn) key += `\n${String(request.headers[name] ?? '')}`;
    return key;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
