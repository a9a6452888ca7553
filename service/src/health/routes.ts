import Router from '@koa/router';
import type { Readiness } from './readiness.js';

/** Probes for load balancers and orchestrators; never cached. */
export function healthRoutes(readiness: Readiness): Router {
  const router = new Router();

  // Liveness: the process serves requests; it touches nothing else, so a database outage never restarts it.
  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    const report = await readiness.check();
    ctx.set('Cache-Control', 'no-store');
    ctx.status = report.ready ? 200 : 503;
    ctx.body = { status: report.ready ? 'ready' : 'not ready', ...report.checks };
  });

  return router;
}
