import type { IncomingMessage } from 'node:http';
import Router from '@koa/router';
import type { Context } from 'koa';
import { clientAddress } from '../../web/client-address.js';
import { publishedOr404, type PublishedQuestions } from '../published-question.js';
import { closedEvent, countsEvent } from './counts-event.js';
import type { LiveCounts } from './live-counts.js';
import type { Refusal } from './stream-metrics.js';

/** How long a refused client should wait (a limit reached, or this replica is shutting down). */
const retryAfterSeconds = 5;
/** Longer ids are not ours: treated as none. */
const maxEventIdLength = 64;

/**
 * The live counts of a published question as Server-Sent Events: for the results page's script and for API
 * clients, the same events (see counts-event.ts). 404 unless published, as the pages.
 */
export function liveResultsRoutes(published: PublishedQuestions, live: LiveCounts): Router {
  const router = new Router();
  router.get('/polls/:id/results/events', (ctx) => openStream(ctx, published, live, 'Poll not found.'));
  router.get('/api/questions/:id/events', (ctx) => openStream(ctx, published, live, 'Question not found.'));
  return router;
}

async function openStream(
  ctx: Context,
  published: PublishedQuestions,
  live: LiveCounts,
  notFound: string,
): Promise<void> {
  const ballot = await publishedOr404(ctx, (id) => published.ballot(id), notFound);
  if (ballot.closed) {
    await answerClosed(ctx, published, ballot.id, notFound);
    return;
  }
  // HEAD is answered with the headers alone (Koa ends it) and never takes a slot: a stream Node could write
  // nothing to would hold one for nothing.
  const head = ctx.method === 'HEAD';
  const address = clientAddress(ctx);
  const refusal = head ? undefined : live.refusal(address);
  if (refusal) {
    ctx.status = refusal === 'address' ? 429 : 503;
    ctx.set('Retry-After', String(retryAfterSeconds));
    ctx.body = { error: refusalMessages[refusal] };
    return;
  }
  ctx.status = 200;
  ctx.type = 'text/event-stream';
  // no-store and no-transform: neither a CDN nor a proxy may keep or re-encode a stream. NGINX would
  // otherwise buffer it; the connection ends with the stream, so a drain never waits for an idle one.
  ctx.set({
    'Cache-Control': 'no-store, no-transform',
    'X-Accel-Buffering': 'no',
    Connection: 'close',
  });
  if (head) return;
  // Events are written to the socket as they come, by LiveCounts, not by Koa at the end of this chain. The
  // body ends with the connection, so it needs no chunked framing: each event is one plain socket write.
  ctx.respond = false;
  ctx.res.useChunkedEncodingByDefault = false;
  const lastEventId = ctx.get('Last-Event-ID');
  forgetHeaders(ctx.req);
  live.watch({
    questionId: ballot.id,
    sink: ctx.res,
    lastEventId: lastEventId === '' || lastEventId.length > maxEventIdLength ? undefined : lastEventId,
    address,
    requestId: String(ctx.state.requestId),
  });
}

const refusalMessages: Record<Refusal, string> = {
  full: 'Too many live results are open here; try again in a few seconds.',
  address: 'Too many live results are open from your address; try again in a few seconds.',
  draining: 'This server is shutting down; try again in a few seconds.',
};

/**
 * Everything of a stream's request stays reachable while it is open (from the response's `req`, and from
 * Koa's context, which the listener Koa puts on the response keeps), and its headers are most of that: up to
 * Node's 16 KB per request, chosen by the client. Nothing reads them once the stream is open, so they go,
 * and what a stream costs no longer depends on what its client sent (docs/live-results.md, "Limits").
 */
function forgetHeaders(request: IncomingMessage): void {
  request.headers = {};
  request.rawHeaders = [];
}

/**
 * A closed question's stream holds no slot: its last counts and the closed event, and the end. A client that
 * already has those counts (Last-Event-ID) is answered 204, which stops EventSource reconnecting.
 */
async function answerClosed(
  ctx: Context,
  published: PublishedQuestions,
  questionId: number,
  notFound: string,
): Promise<void> {
  const question = await published.withVotes(questionId);
  if (!question) return ctx.throw(404, notFound);
  const last = countsEvent(questionId, question.choices);
  ctx.set('Cache-Control', 'no-store');
  if (ctx.get('Last-Event-ID') === last.id) {
    ctx.status = 204;
    return;
  }
  ctx.type = 'text/event-stream';
  ctx.body = Buffer.concat([last.bytes, closedEvent(questionId, question.closesAt)]);
}
