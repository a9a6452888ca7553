import { connectToServer } from '../src/db/connect.js';
import type { FaultWindow } from './faults.js';
import type { HttpClient } from './http-client.js';
import type { VoteRecord, VoteTarget } from './load.js';
import { windowOf } from './windows.js';

/** One vote slot in this many is a repeat voter: a browser that votes, then votes again elsewhere. */
export const repeatVoterEvery = 10;

/**
 * A repeat voter: a new browser votes through the API straight at one replica, keeps the voter cookie it is
 * given, and votes again on the same question (another choice) straight at the next replica, which shares
 * nothing with the first but the database. Its second vote must be refused (409) whenever its first counted.
 * Straight at replicas, not through nginx, so the two votes surely meet two processes; a replica killed
 * meanwhile answers nothing, which the fault windows account for.
 */
export async function voteTwice(
  replicas: readonly HttpClient[],
  clock: () => number,
  slot: number,
  first: VoteTarget,
  second: VoteTarget,
): Promise<VoteRecord[]> {
  const pair = Math.floor(slot / repeatVoterEvery);
  const firstReplica = replicas[pair % replicas.length]!;
  const secondReplica = replicas[(pair + 1) % replicas.length]!;
  const cast = (client: HttpClient, target: VoteTarget, cookie: string | undefined, keepCookies: boolean) =>
    client.exchange(
      `/api/questions/${target.questionId}/votes`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Request-Id': `scale-repeat-${slot}`,
          ...(cookie && { Cookie: cookie }),
        },
        body: JSON.stringify({ choiceId: target.choiceId }),
      },
      clock,
      keepCookies,
    );
  const { cookies = [], ...answered } = await cast(firstReplica, first, undefined, true);
  const voterCookies = cookies
    .map((cookie) => cookie.split(';')[0]!)
    .filter((c) => c.startsWith('polls_voter'));
  const voter = /^polls_voter=([0-9a-f-]{36})$/.exec(
    voterCookies.find((c) => !c.includes('.sig=')) ?? '',
  )?.[1];
  const firstRecord: VoteRecord = {
    ...first,
    kind: 'api',
    ...answered,
    role: 'first',
    ...(voter && { voter }),
  };
  // A first vote that got no answer gave no cookie: nothing to repeat with.
  if (!voter) return [firstRecord];
  const again = await cast(secondReplica, second, voterCookies.join('; '), false);
  return [firstRecord, { ...second, kind: 'api', ...again, role: 'repeat', voter }];
}

/** Another choice of the target's question, for the repeat vote. */
export function otherChoice(targets: readonly VoteTarget[], target: VoteTarget): VoteTarget {
  return (
    targets.find((other) => other.questionId === target.questionId && other.choiceId !== target.choiceId) ??
    target
  );
}

export interface RepeatVoterSummary {
  readonly voters: number;
  /** Voters whose two votes were sent while a fault was going on (or in its margin). */
  readonly duringFaults: number;
  readonly firstAcknowledged: number;
  /** Second votes answered 409: the rule held across replicas. */
  readonly repeatsRefused: number;
  /** Second votes counted (201) because the first had not: allowed only then. */
  readonly repeatsCounted: number;
  /** Voters holding exactly one ballot in the database. */
  readonly withOneBallot: number;
  /** Every count in the database against every ballot (every demo question takes one vote per browser). */
  readonly votesInDatabase: number;
  readonly ballotsInDatabase: number;
  readonly problems: readonly string[];
}

/** Compares what the repeat voters were told with the ballots the database holds for them. */
export async function checkRepeatVoters(
  records: readonly VoteRecord[],
  databaseUrl: string,
  windows: readonly FaultWindow[],
  marginMs: number,
): Promise<RepeatVoterSummary> {
  const byVoter = new Map<string, VoteRecord[]>();
  for (const record of records) {
    if (record.voter) byVoter.set(record.voter, [...(byVoter.get(record.voter) ?? []), record]);
  }
  const database = connectToServer(databaseUrl);
  let ballots: Map<string, number[]>;
  let totals: { votes: number; ballots: number };
  try {
    const rows = await database
      .knex('ballots')
      .whereIn('voter', [...byVoter.keys()])
      .select<{ voter: string; choice_id: number }[]>('voter', 'choice_id');
    ballots = new Map();
    for (const row of rows) ballots.set(row.voter, [...(ballots.get(row.voter) ?? []), row.choice_id]);
    const { rows: sums } = await database.knex.raw<{ rows: { votes: string; ballots: string }[] }>(
      'select (select coalesce(sum(votes), 0) from choices) as votes, (select count(*) from ballots) as ballots',
    );
    totals = { votes: Number(sums[0]!.votes), ballots: Number(sums[0]!.ballots) };
  } finally {
    await database.close();
  }

  const problems: string[] = [];
  const summary = {
    duringFaults: 0,
    firstAcknowledged: 0,
    repeatsRefused: 0,
    repeatsCounted: 0,
    withOneBallot: 0,
  };
  for (const [voter, votes] of byVoter) {
    const acknowledged = votes.filter((vote) => vote.status === 201);
    const first = votes.find((vote) => vote.role === 'first');
    const repeat = votes.find((vote) => vote.role === 'repeat');
    if (votes.some((vote) => windowOf(vote, windows, marginMs) !== -1)) summary.duringFaults += 1;
    if (first?.status === 201) summary.firstAcknowledged += 1;
    if (repeat?.status === 409) summary.repeatsRefused += 1;
    if (repeat?.status === 201) summary.repeatsCounted += 1;
    const held = ballots.get(voter) ?? [];
    if (held.length === 1) summary.withOneBallot += 1;
    if (acknowledged.length > 1) problems.push(`voter ${voter} was counted twice`);
    else if (acknowledged.length === 1 && (held.length !== 1 || held[0] !== acknowledged[0]!.choiceId))
      problems.push(
        `voter ${voter} was acknowledged for choice ${acknowledged[0]!.choiceId} but holds ballots ${held.join(', ') || 'none'}`,
      );
    if (held.length > 1) problems.push(`voter ${voter} holds ${held.length} ballots`);
    if (repeat?.status === 409 && held.length !== 1)
      problems.push(`voter ${voter} was refused as a repeat but holds ${held.length} ballots`);
  }
  if (byVoter.size > 0 && summary.repeatsRefused === 0) problems.push('no repeat vote was refused');
  if (totals.votes !== totals.ballots)
    problems.push(`the database counts ${totals.votes} votes but holds ${totals.ballots} ballots`);
  return {
    voters: byVoter.size,
    ...summary,
    votesInDatabase: totals.votes,
    ballotsInDatabase: totals.ballots,
    problems,
  };
}
