import Koa from 'koa';
import { topRouter } from '../web/top-router.js';
import type { Metrics } from './metrics.js';

/**
 * The app of the internal metrics port (METRICS_PORT): GET /metrics and nothing else. Kept off the public
 * port, which balancers route to the internet: the series tell the Node version, pool sizes and the
 * per-status counts of POST /admin/login (how a password guessing run is going).
 */
export function metricsApp(metrics: Metrics): Koa {
  const app = new Koa();
  const router = topRouter();
  router.get('/metrics', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
