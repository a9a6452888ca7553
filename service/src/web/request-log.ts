import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';

const acceptedRequestId = /^[\w.:-]{1,128}$/;

/** What the access log says of one request. */
export interface AccessLogLine {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
}

/** The caller's X-Request-Id when it is sane, else a new one. */
export function requestIdFor(offered: string | undefined): string {
  return offered !== undefined && acceptedRequestId.test(offered) ? offered : randomUUID();
}

export function logRequest(logger: Logger, line: AccessLogLine): void {
  logger.info({ ...line, durationMs: Math.round(line.durationMs * 10) / 10 }, 'request');
}

/**
 * Gives every request an id, returns it, keeps it on ctx.state.requestId for other log lines about the
 * request, and writes one access-log line when the response is done.
 */
export function requestLog(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    const requestId = requestIdFor(ctx.get('X-Request-Id'));
    ctx.set('X-Request-Id', requestId);
    ctx.state.requestId = requestId;
    try {
      await next();
    } finally {
      const { method, path, status } = ctx;
      logRequest(logger, { requestId, method, path, status, durationMs: performance.now() - started });
    }
  };
}
