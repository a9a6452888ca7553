import type { Context } from 'koa';
import type { Render } from '../web/views.js';
import type { LatestQuestionsCache } from './latest-questions-cache.js';
import type { QuestionSummary } from './polls-repository.js';

/**
 * GET /polls/. The cache hands out the same array until the questions change, so the page is rendered once
 * per change, to bytes, which are sent (and compressed, once per coding) as they are.
 */
export function indexPage(
  latest: LatestQuestionsCache,
  render: Render,
  cacheControl: string,
): (ctx: Context) => Promise<void> {
  let index: { questions: readonly QuestionSummary[]; html: Buffer } | undefined;
  return async (ctx) => {
    const questions = await latest.get();
    if (index?.questions !== questions) {
      index = { questions, html: Buffer.from(render('polls/index.njk', { questions })) };
    }
    ctx.type = 'html';
    ctx.body = index.html;
    ctx.set('Cache-Control', cacheControl);
  };
}
