import type { Context } from 'koa';
import { parseId } from '../web/ids.js';
import type { PollsRepository, Question } from './polls-repository.js';

/** The published question named by the route's :id, or a 404 with `notFound` (malformed ids included). */
export async function publishedQuestionOr404(
  ctx: Context,
  polls: PollsRepository,
  notFound: string,
): Promise<Question> {
  const id = parseId(ctx.params.id);
  const question = id === undefined ? undefined : await polls.findPublished(id);
  if (!question) return ctx.throw(404, notFound);
  return question;
}
