import { HttpClient, type Exchange } from './http-client.js';
import { otherChoice, repeatVoterEvery, voteTwice } from './repeat-voters.js';

export type VoteKind = 'api' | 'form';

export interface VoteTarget {
  readonly questionId: number;
  readonly choiceId: number;
}

/** One vote as the client saw it. */
export interface VoteRecord extends VoteTarget, Exchange {
  readonly kind: VoteKind;
  /** Set for the votes of a repeat voter (repeat-voters.ts): its first vote or the one it sends again. */
  readonly role?: 'first' | 'repeat';
  /** The repeat voter's browser: its voter cookie's id. */
  readonly voter?: string;
}

export interface LoadPlan {
  readonly baseUrl: string;
  /** Each replica straight, for the repeat voters. */
  readonly replicaUrls: readonly string[];
  readonly targets: readonly VoteTarget[];
  readonly votes: number;
  readonly concurrency: number;
  /** Votes per second at most (vote i leaves no earlier than i / rate s); undefined: no pacing. */
  readonly rate?: number;
  /** Milliseconds since the run began. */
  readonly clock: () => number;
  /** Stops handing out votes (the deadline, a fault that failed); votes in flight finish. */
  readonly signal: AbortSignal;
  /** Called after every answered vote with the number answered so far. */
  readonly onAnswered: (answered: number) => void;
}

/** A visitor of the voting pages: the CSRF cookie its browser keeps and a token from a form it was shown. */
interface Visitor {
  readonly cookie: string;
  readonly token: string;
}

/**
 * Sends `votes` votes, each exactly once (never retried: a retry would blur what the client was told), from
 * `concurrency` workers. Votes alternate between the JSON API (201) and the HTML form (303) and go round
 * the targets, so every choice gets both kinds. Every `repeatVoterEvery`th is a repeat voter instead, whose
 * two votes go straight to two replicas.
 */
export async function sendVotes(plan: LoadPlan): Promise<VoteRecord[]> {
  const client = new HttpClient(plan.baseUrl, plan.concurrency);
  const replicas = plan.replicaUrls.map((url) => new HttpClient(url, plan.concurrency));
  const records: VoteRecord[] = [];
  let next = 0;
  try {
    const visitors = await Promise.all(
      Array.from({ length: plan.concurrency }, () => visit(client, plan.targets[0]!.questionId)),
    );
    const firstVoteMs = plan.clock();
    await Promise.all(
      visitors.map(async (visitor) => {
        for (let index = next++; index < plan.votes && !plan.signal.aborted; index = next++) {
          const kind: VoteKind = index % 2 === 0 ? 'api' : 'form';
          const target = plan.targets[Math.floor(index / 2) % plan.targets.length]!;
          if (plan.rate) await until(plan.clock, firstVoteMs + (index * 1000) / plan.rate);
          if (index % repeatVoterEvery === repeatVoterEvery - 1) {
            const second = otherChoice(plan.targets, target);
            records.push(...(await voteTwice(replicas, plan.clock, index, target, second)));
          } else records.push(await vote(client, plan.clock, index, kind, target, visitor));
          plan.onAnswered(records.length);
        }
      }),
    );
  } finally {
    client.close();
    for (const replica of replicas) replica.close();
  }
  return records;
}

async function until(clock: () => number, ms: number): Promise<void> {
  const wait = ms - clock();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** Opens a question's page once, as a browser would, to get the CSRF cookie and a form token. */
async function visit(client: HttpClient, questionId: number): Promise<Visitor> {
  const page = await client.send(`/polls/${questionId}/`, { method: 'GET' });
  const token = /name="csrf_token" value="([^"]+)"/.exec(page.body)?.[1];
  const cookies = ([] as string[]).concat(page.headers['set-cookie'] ?? []);
  if (page.status !== 200 || !token || cookies.length === 0) {
    throw new Error(`the detail page gave no CSRF cookie and token (status ${page.status})`);
  }
  return { cookie: cookies.map((cookie) => cookie.split(';')[0]).join('; '), token };
}

async function vote(
  client: HttpClient,
  clock: () => number,
  index: number,
  kind: VoteKind,
  target: VoteTarget,
  visitor: Visitor,
): Promise<VoteRecord> {
  // The request id ties a vote to the service's log lines, should one need explaining.
  const requestId = `scale-vote-${index}`;
  const call: { path: string; headers: Record<string, string>; body: string } =
    kind === 'api'
      ? {
          path: `/api/questions/${target.questionId}/votes`,
          headers: { 'Content-Type': 'application/json', 'X-Request-Id': requestId },
          body: JSON.stringify({ choiceId: target.choiceId }),
        }
      : {
          path: `/polls/${target.questionId}/vote/`,
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            Cookie: visitor.cookie,
            'X-Request-Id': requestId,
          },
          body: new URLSearchParams({
            choice: String(target.choiceId),
            csrf_token: visitor.token,
          }).toString(),
        };
  const sent = await client.exchange(
    call.path,
    { method: 'POST', headers: call.headers, body: call.body },
    clock,
  );
  return { ...target, kind, ...sent };
}
