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

/**
 * The event that ends a closed question's streams, after its last counts: `event: closed`,
 * `data: {"questionId":1,"closesAt":"2026-12-08T14:00:00.000Z"}`. The results page's script stops there;
 * another client that reconnects is told the same and, holding the last counts, answered 204 (the status
 * that stops EventSource reconnecting, HTML Living Standard, "Server-sent events").
 */
export function closedEvent(questionId: number, closesAt: Date | null): Buffer {
  return Buffer.from(`event: closed\ndata: ${JSON.stringify({ questionId, closesAt })}\n\n`);
}
