import { createHash } from 'node:crypto';
import type { Choice } from '../polls-repository.js';
import { voteShares } from '../vote-shares.js';

/** One `counts` event, encoded once and written as the same bytes to every stream of its question. */
export interface CountsEvent {
  /** A digest of the counts: equal ids mean equal counts, so a client that has them is not sent them again. */
  readonly id: string;
  readonly bytes: Buffer;
}

/**
 * The Server-Sent Event carrying a question's counts now:
 * `id: <digest>`, `event: counts`, `data: {"questionId":1,"totalVotes":3,"choices":[{"id":1,"votes":2,"percent":67},…]}`.
 */
export function countsEvent(questionId: number, choices: readonly Choice[]): CountsEvent {
  const { totalVotes, choices: shares } = voteShares(choices);
  const data = JSON.stringify({
    questionId,
    totalVotes,
    choices: shares.map(({ id, votes, percent }) => ({ id, votes, percent })),
  });
  const id = createHash('sha256').update(data).digest('base64url').slice(0, 16);
  return { id, bytes: Buffer.from(`id: ${id}\nevent: counts\ndata: ${data}\n\n`) };
}
