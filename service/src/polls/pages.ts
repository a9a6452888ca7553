import Router from '@koa/router';
import type { Context } from 'koa';
import { sharedPage } from '../web/cache-control.js';
import { csrfToken, requireCsrfToken } from '../web/csrf.js';
import { parseId } from '../web/ids.js';
import type { Render } from '../web/views.js';
import type { Ballot, PollsRepository } from './polls-repository.js';
import { publishedOr404, type PublishedQuestions } from './published-question.js';
import { voteShares } from './vote-shares.js';

const pollNotFound = 'Poll not found.';
const noChoiceMessage = "You didn't select a choice.";

/**
 * The voter's pages, at the Django tutorial's paths so old links keep working. The index (and `/`, its
 * redirect) is the same for every visitor and sets no cookie, so a shared cache may keep it for
 * `indexEdgeMaxAgeSeconds`; every other page is per visitor and left `no-store` (web/cache-control.ts).
 */
export function pollsPages(
  polls: PollsRepository,
  published: PublishedQuestions,
  index: (ctx: Context) => Promise<void>,
  render: Render,
  indexEdgeMaxAgeSeconds: number,
): Router {
  const router = new Router();
  const indexCacheControl = sharedPage(indexEdgeMaxAgeSeconds);

  router.get('/', (ctx) => {
    ctx.status = 302;
    ctx.redirect('/polls/');
    ctx.set('Cache-Control', indexCacheControl);
  });

  router.get('/polls/', index);

  const ballotOr404 = (ctx: Context) => publishedOr404(ctx, (id) => published.ballot(id), pollNotFound);

  router.get('/polls/:id/', async (ctx) => {
    renderDetail(ctx, render, await ballotOr404(ctx));
  });

  router.post('/polls/:id/vote/', requireCsrfToken(), async (ctx) => {
    const questionId = parseId(ctx.params.id);
    const body = ctx.request.body as Record<string, unknown> | undefined;
    const choiceId = typeof body?.choice === 'string' ? parseId(body.choice) : undefined;
    // The vote itself checks that the question is published and owns the choice: a counted vote needs no
    // other query. Only a refused one reads the question, to tell 404 from 422 and show the form again.
    if (questionId !== undefined && choiceId !== undefined) {
      if ((await polls.vote(questionId, choiceId)) === 'counted') {
        ctx.status = 303;
        ctx.redirect(`/polls/${questionId}/results/`);
        return;
      }
    }
    const ballot = await ballotOr404(ctx);
    ctx.status = 422;
    renderDetail(ctx, render, ballot, noChoiceMessage);
  });

  router.get('/polls/:id/results/', async (ctx) => {
    const question = await publishedOr404(ctx, (id) => published.withVotes(id), pollNotFound);
    ctx.body = render('polls/results.njk', { question, ...voteShares(question.choices) });
  });

  return router;
}

function renderDetail(ctx: Context, render: Render, question: Ballot, errorMessage?: string): void {
  ctx.set('Cache-Control', 'no-store'); // the page carries a per-visitor CSRF token
  ctx.body = render('polls/detail.njk', { question, errorMessage, csrfToken: csrfToken(ctx) });
}
