import type { Context } from 'koa';
import { sharedPage } from '../web/cache-control.js';
import type { Render } from '../web/views.js';
import type { LatestIndex, LatestQuestionsCache } from './latest-questions-cache.js';

/**
 * GET /polls/. The cache hands out the same object until the questions change, so the page is rendered once
 * per change, to bytes, which are sent (and compressed, once per coding) as they are. A shared cache (the
 * CDN) may keep the page `edgeMaxAgeSeconds`, but never past the moment the clock alone changes it (a
 * scheduled question going public, a listed one closing): s-maxage counts down to a second before it, to
 * no-store in the last two, because a cache counts whole seconds from a clock it may round down (nginx adds
 * s-maxage to `now` truncated to the second), so it can keep a page up to a second past its s-maxage. The
 * CDN's cache policy has a minimum TTL of 0 (stacks/src/cdn/edge-policies.ts), so it obeys both: CloudFront
 * keeps an object past its Cache-Control only under a minimum TTL above 0 (CachePolicyConfig, Amazon
 * CloudFront API Reference).
 */
export function indexPage(
  latest: LatestQuestionsCache,
  render: Render,
  edgeMaxAgeSeconds: number,
): (ctx: Context) => Promise<void> {
  const unchangingCacheControl = sharedPage(edgeMaxAgeSeconds);
  let page: { index: LatestIndex; html: Buffer } | undefined;
  return async (ctx) => {
    const index = await latest.get();
    if (page?.index !== index) {
      page = { index, html: Buffer.from(render('polls/index.njk', { questions: index.questions })) };
    }
    ctx.type = 'html';
    ctx.body = page.html;
    const secondsLeft = Math.floor(latest.msUntilChange(index) / 1000) - 1;
    ctx.set(
      'Cache-Control',
      secondsLeft >= edgeMaxAgeSeconds ? unchangingCacheControl : sharedPage(Math.max(0, secondsLeft)),
    );
  };
}
