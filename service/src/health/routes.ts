import Router from '@koa/router';
import type { Logger } from 'pino';
import { RepeatedLogLines } from '../repeated-log-lines.js';
import type { Readiness } from './readiness.js';

/**
 * Probes for load balancers and orchestrators; never cached. They are public (the balancer routes every
 * path), so /readyz tells only ready or not: why not (database errors, pending migration names) goes to the
 * log, once per distinct reason in 10 s however often the probes ask.
 */
export function healthRoutes(readiness: Readiness, logger: Logger): Router {
  const router = new Router();
  const notReadyLines = new RepeatedLogLines();

  // Liveness: the process serves requests; it touches nothing else, so a database outage never restarts it.
  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    const report = await readiness.check();
    ctx.set('Cache-Control', 'no-store');
    ctx.status = report.ready ? 200 : 503;
    ctx.body = { status: report.ready ? 'ready' : 'not ready' };
    if (!report.ready) {
      notReadyLines.write(JSON.stringify(report.checks), (repeated) =>
        logger.warn({ checks: report.checks, ...(repeated ? { repeated } : {}) }, 'not ready'),
      );
    }
  });

  return router;
}
