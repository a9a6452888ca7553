import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';

const acceptedRequestId = /^[\w.:-]{1,128}$/;

/**
 * Gives every request an id (the caller's X-Request-Id when it is sane, else a new one), returns it, keeps
 * it on ctx.state.requestId for other log lines about the request, and writes one access-log line when the
 * response is done.
 */
export function requestLog(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    const offered = ctx.get('X-Request-Id');
    const requestId = acceptedRequestId.test(offered) ? offered : randomUUID();
    ctx.set('X-Request-Id', requestId);
    ctx.state.requestId = requestId;
    try {
      await next();
    } finally {
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      const { method, path, status } = ctx;
      logger.info({ requestId, method, path, status, durationMs }, 'request');
    }
  };
}
