import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { parseId } from '../web/ids.js';
import type { PollsRepository } from './polls-repository.js';
import { publishedOr404, type PublishedQuestions } from './published-question.js';
import { alreadyVotedMessage, closedMessage } from './refused-votes.js';
import type { Voters } from './voters.js';

const questionNotFound = 'Question not found.';
const defaultPageSize = 20;
const maxPageSize = 100;

/**
 * The JSON API over published questions. Writes accept only application/json, which a cross-site HTML form
 * cannot send, so they need no CSRF token.
 */
export function pollsApi(polls: PollsRepository, published: PublishedQuestions, voters: Voters): Router {
  const router = new Router({ prefix: '/api' });
  const questionOr404 = (ctx: Context) =>
    publishedOr404(ctx, (id) => published.withVotes(id), questionNotFound);

  router.get('/questions', async (ctx) => {
    const limit = queryInteger(ctx, 'limit', defaultPageSize, 1, maxPageSize);
    const offset = queryInteger(ctx, 'offset', 0, 0, 1_000_000);
    ctx.body = { questions: await polls.latest(limit, offset), limit, offset };
  });

  router.get('/questions/:id', async (ctx) => {
    ctx.body = await questionOr404(ctx);
  });

  router.post('/questions/:id/votes', requireJson, async (ctx) => {
    const questionId = parseId(ctx.params.id) ?? ctx.throw(404, questionNotFound);
    const choiceId = (ctx.request.body as { choiceId?: unknown } | undefined)?.choiceId;
    if (!Number.isSafeInteger(choiceId) || (choiceId as number) < 1) {
      // An unknown question is 404 before 400.
      await publishedOr404(ctx, (id) => published.ballot(id), questionNotFound);
      ctx.throw(400, 'choiceId must be a positive integer.');
    }
    // The vote checks publication, closing, ownership and the voting rule itself; the question is read
    // once, for the new counts.
    const outcome = await polls.vote(questionId, choiceId as number, voters.identify(ctx, questionId));
    if (outcome === 'question-not-found') ctx.throw(404, questionNotFound);
    if (outcome === 'repeat') ctx.throw(409, alreadyVotedMessage);
    if (outcome === 'closed') ctx.throw(409, closedMessage((await published.ballot(questionId))?.closesAt));
    if (outcome === 'choice-not-found')
      ctx.throw(422, `Question ${questionId} has no choice ${choiceId as number}.`);
    ctx.status = 201;
    ctx.body = await questionOr404(ctx);
  });

  return router;
}

async function requireJson(ctx: Context, next: Next) {
  if (!ctx.is('application/json')) ctx.throw(415, 'Send the vote as Content-Type: application/json.');
  const body = ctx.request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    ctx.throw(400, 'The body must be a JSON object such as {"choiceId": 1}.');
  }
  await next();
}

function queryInteger(ctx: Context, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.query[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max))
    ctx.throw(400, `${name} must be a whole number from ${min} to ${max}.`);
  return value;
}
