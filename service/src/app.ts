import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import type { Logger } from 'pino';
import { adminRoutes } from './admin/routes.js';
import type { Config } from './config.js';
import type { Database } from './db/connect.js';
import type { Readiness } from './health/readiness.js';
import { healthRoutes } from './health/routes.js';
import type { Metrics } from './metrics/metrics.js';
import { pollsApi } from './polls/api.js';
import { indexChangedChannel, LatestQuestionsCache } from './polls/latest-questions-cache.js';
import { pollsPages } from './polls/pages.js';
import { PollsRepository } from './polls/polls-repository.js';
import { compressResponses } from './web/compression.js';
import { CookieKeys } from './web/cookie-keys.js';
import { refuseControlCharacters } from './web/control-characters.js';
import { csrfFormField } from './web/csrf.js';
import { handleErrors } from './web/errors.js';
import { requestLog } from './web/request-log.js';
import { securityHeaders } from './web/security-headers.js';
import { loadStaticAssets } from './web/static-assets.js';
import { topRouter } from './web/top-router.js';
import { createRenderer } from './web/views.js';

export interface AppDependencies {
  readonly config: Pick<Config, 'sessionKeys' | 'trustProxyHops' | 'voteBatchWindowMs'>;
  readonly database: Pick<Database, 'knex' | 'listen'>;
  readonly readiness: Readiness;
  /** Served by the internal metrics port (metrics/metrics-server.ts), never by this app. */
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** Builds the web application; it opens no socket, so tests drive it directly. */
export function createApp({ config, database, readiness, metrics, logger }: AppDependencies): Koa {
  const db = database.knex;
  // The client is the X-Forwarded-For entry that many hops from the right: entries left of it are whatever
  // the client wrote.
  const app = new Koa({ proxy: config.trustProxyHops > 0, maxIpsCount: config.trustProxyHops });
  app.keys = new CookieKeys(config.sessionKeys);
  const assets = loadStaticAssets();
  const render = createRenderer({ asset: assets.url, csrfField: csrfFormField });
  const polls = new PollsRepository(db, {
    onVote: metrics.countVote,
    voteBatchWindowMs: config.voteBatchWindowMs,
  });
  const latest = new LatestQuestionsCache(polls, database.listen(indexChangedChannel));

  const routers = [
    healthRoutes(readiness, logger),
    pollsPages(polls, latest, render),
    pollsApi(polls),
    // An editor's save must show on the index at once, not when its notification comes back.
    adminRoutes(db, render, () => latest.invalidate()),
  ];

  app.use(requestLog(logger));
  app.use(metrics.middleware);
  app.use(handleErrors(render, logger));
  app.use(async (ctx, next) => {
    try {
      await next();
    } finally {
      // While draining, ask keep-alive clients to reconnect, so they reach a replica that is staying. Checked
      // after the response is made, so a request already in flight when draining began frees its connection too.
      if (readiness.isDraining) ctx.set('Connection', 'close');
    }
  });
  app.use(securityHeaders());
  app.use(compressResponses());
  app.use(assets.middleware);
  app.use(
    bodyParser({
      enableTypes: ['form', 'json'],
      formLimit: '16kb',
      jsonLimit: '16kb',
      // Reject `true` or `"x"` bodies: every JSON body here is an object.
      jsonStrict: true,
      onError: (error, ctx) => {
        const status = (error as { status?: number }).status;
        if (status === 413) ctx.throw(413, 'The request body is too large.');
        ctx.throw(400, `The request body is not valid: ${error.message}`);
      },
    }),
  );
  app.use(refuseControlCharacters());
  // One router holding every route (nesting copies the routes into it): one match per request, not one per
  // area, and one 405 answer that knows the methods of every area.
  const router = topRouter();
  for (const area of routers) router.use(area.routes());
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
