import Router from '@koa/router';
import type { Context } from 'koa';
import { sharedPage } from '../web/cache-control.js';
import { csrfToken, requireCsrfToken } from '../web/csrf.js';
import { parseId } from '../web/ids.js';
import type { Render } from '../web/views.js';
import type { Ballot, PollsRepository, Question } from './polls-repository.js';
import { publishedOr404, type PublishedQuestions } from './published-question.js';
import { alreadyVotedMessage, closedMessage } from './refused-votes.js';
import { browserOf, type Voters } from './voters.js';
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
  voters: Voters,
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

  /**
   * The results; of a closed question, with the closing time in place of the form. `refusedAsClosed`: the
   * vote's own statement found it closed, which this process's clock may not show yet.
   */
  const renderResults = async (ctx: Context, refusedAsClosed = false) => {
    const question = await publishedOr404(ctx, (id) => published.withVotes(id), pollNotFound);
    ctx.body = render('polls/results.njk', {
      question,
      ...voteShares(question.choices),
      ownChoiceId: await ownChoiceOf(ctx, polls, question),
      closedMessage: question.closed || refusedAsClosed ? closedMessage(question.closesAt) : undefined,
    });
  };

  router.get('/polls/:id/', async (ctx) => {
    const ballot = await ballotOr404(ctx);
    if (ballot.closed) await renderResults(ctx);
    else renderDetail(ctx, render, ballot);
  });

  router.post('/polls/:id/vote/', requireCsrfToken(), async (ctx) => {
    const questionId = parseId(ctx.params.id);
    const body = ctx.request.body as Record<string, unknown> | undefined;
    const choiceId = typeof body?.choice === 'string' ? parseId(body.choice) : undefined;
    // The vote itself checks that the question is published and open and owns the choice, and that the
    // voter may vote: a counted vote needs no other query. A refused one reads the question to say why.
    if (questionId !== undefined && choiceId !== undefined) {
      const outcome = await polls.vote(questionId, choiceId, voters.identify(ctx, questionId));
      if (outcome === 'counted') {
        ctx.status = 303;
        ctx.redirect(`/polls/${questionId}/results/`);
        return;
      }
      if (outcome === 'closed') {
        ctx.status = 409;
        await renderResults(ctx, true);
        return;
      }
      if (outcome === 'repeat') {
        ctx.status = 409;
        renderDetail(ctx, render, await ballotOr404(ctx), alreadyVotedMessage);
        return;
      }
    }
    const ballot = await ballotOr404(ctx);
    if (ballot.closed) {
      ctx.status = 409;
      await renderResults(ctx);
      return;
    }
    ctx.status = 422;
    renderDetail(ctx, render, ballot, noChoiceMessage);
  });

  router.get('/polls/:id/results/', (ctx) => renderResults(ctx));

  return router;
}

function renderDetail(ctx: Context, render: Render, question: Ballot, errorMessage?: string): void {
  ctx.set('Cache-Control', 'no-store'); // the page carries a per-visitor CSRF token
  ctx.body = render('polls/detail.njk', {
    question,
    errorMessage,
    alreadyVoted: errorMessage === alreadyVotedMessage,
    csrfToken: csrfToken(ctx),
  });
}

/** The choice this browser's ballot names, under a rule that keeps ballots. */
async function ownChoiceOf(
  ctx: Context,
  polls: PollsRepository,
  question: Question,
): Promise<number | undefined> {
  const voter = browserOf(ctx);
  if (!voter || question.votingRule === 'any-number') return undefined;
  return polls.choiceOf(question.id, voter);
}
