import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { RepeatedLogLines } from '../repeated-log-lines.js';
import type { Render } from './views.js';

interface HttpError extends Error {
  status?: number;
  expose?: boolean;
  code?: string;
  headers?: Record<string, string>;
}

const unavailableMessage = 'The database is unavailable right now. Please try again in a moment.';

/**
 * The one place that turns errors into responses: expected ones (4xx) keep their message, a lost database
 * becomes 503, anything else is logged once with its stack and answered with a generic 500.
 */
export function handleErrors(render: Render, logger: Logger): Middleware {
  // Every request fails alike while the database is down: one line per kind of failure, with its count.
  const outageLines = new RepeatedLogLines();
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined && ctx.status === 404) ctx.throw(404, 'Page not found.');
      // The router's 405 has set Allow; the answer gets a page (or JSON) like any other error.
      if (ctx.body === undefined && ctx.status === 405)
        ctx.throw(405, `This address does not accept ${ctx.method} requests.`);
    } catch (caught) {
      const error = caught as HttpError;
      let status = error.status && error.status >= 400 && error.status < 600 ? error.status : 500;
      let message = error.expose && error.message ? error.message : 'Something went wrong on our side.';
      if (status === 500 && isDatabaseUnavailable(error)) {
        status = 503;
        message = unavailableMessage;
        ctx.set('Retry-After', '5');
        const requestId = ctx.state.requestId as unknown;
        outageLines.write(error.code ?? error.message, (repeated) =>
          logger.warn({ requestId, err: error, ...(repeated ? { repeated } : {}) }, 'database unavailable'),
        );
      } else if (status >= 500) {
        logger.error({ requestId: ctx.state.requestId as unknown, err: error }, 'request failed');
      }
      ctx.status = status;
      // What the error asks the answer to carry, as Koa's own handler does (413 closes the connection).
      if (error.headers) ctx.set(error.headers);
      if (ctx.path.startsWith('/api/')) {
        ctx.body = { error: message };
      } else {
        ctx.type = 'html';
        ctx.body = render('error.njk', { status, message });
      }
    }
  };
}

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown: the server is restarting
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: still starting up
  '08000',
  '08003',
  '08006',
]);

export function isDatabaseUnavailable(error: HttpError): boolean {
  return (
    error.name === 'KnexTimeoutError' ||
    (error.code !== undefined && connectionErrorCodes.has(error.code)) ||
    /Connection terminated|connection is closed|Client has encountered a connection error/i.test(
      error.message,
    )
  );
}
