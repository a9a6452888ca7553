import type { ScaleResult } from './scenario.js';
import { repeatVoterEvery } from './repeat-voters.js';
import { streamSettleMs, windowMarginMs } from './scenario.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const milliseconds = (ms: number) => (ms < 1000 ? `${ms.toFixed(1)} ms` : seconds(ms));
const row = (label: string, value: string | number, note = '') =>
  `  ${label.padEnd(32)} ${String(value).padStart(7)}${note ? `   ${note}` : ''}`;

/** The figures of a run as a readable block: totals, the faults, the balancer, the replicas, per choice. */
export function formatReport(result: ScaleResult): string {
  const r = result.reconciliation;
  const reads = result.reads;
  const streams = result.streams;
  const streamRefusals = describeCounts(streams.refusedByStatus);
  const readFailures = [...reads.failedByStatus].map(([status, count]) => `${status}: ${count}`).join(', ');
  const failed = r.sent - r.acknowledged - r.repeated;
  const repeat = result.repeatVoters;
  const statuses = [...r.failedByStatus].map(([status, count]) => `${status}: ${count}`).join(', ');
  const throughput = r.durationMs > 0 ? r.acknowledged / (r.durationMs / 1000) : 0;
  const lines = [
    `Scale-out proof: ${result.setting}`,
    `${result.options.votes} votes at ${result.options.concurrency} concurrent` +
      (result.options.rate ? `, at most ${result.options.rate} per second` : '') +
      ', half JSON API (201), half HTML form (303), one in ' +
      `${repeatVoterEvery} a browser voting twice, straight at two replicas (201 then 409)`,
    '',
    row('sent', r.sent),
    row(
      'acknowledged',
      r.acknowledged,
      `API 201: ${r.acknowledgedByKind.api}, form 303: ${r.acknowledgedByKind.form}`,
    ),
    row('failed', failed, statuses),
    row('  ambiguous (5xx, no answer)', r.ambiguous, 'may or may not have counted'),
    row('  refused (4xx)', r.refused, 'must be 0'),
    row(
      'repeat voters (two replicas)',
      repeat.voters,
      `1 in ${repeatVoterEvery} votes; first counted: ${repeat.firstAcknowledged}; ` +
        `during a fault: ${repeat.duringFaults}`,
    ),
    row(
      '  second vote refused (409)',
      repeat.repeatsRefused,
      `counted as the first had not: ${repeat.repeatsCounted}`,
    ),
    row('  holding exactly one ballot', repeat.withOneBallot, 'never two; one for every acknowledged vote'),
    row(
      'ballots in the database',
      repeat.ballotsInDatabase,
      `votes in the database: ${repeat.votesInDatabase}; must be equal`,
    ),
    row('in the database', r.inDatabase, 'acknowledged ≤ in database ≤ acknowledged + ambiguous'),
    row('lost', r.lost, 'acknowledged but not in the database; must be 0'),
    row('phantom', r.phantom, 'in the database beyond what was sent; must be 0'),
    row('5xx outside fault windows', r.failuresOutsideWindows, 'no answer included; must be 0'),
    row(
      '5xx inside fault windows',
      r.failuresInsideWindows,
      `of which in the ${windowMarginMs / 1000} s margin after a window: ${r.failuresInMargins}`,
    ),
    row(
      'latency p50 / p99 / max',
      '',
      `${milliseconds(r.latencyMs.p50)} / ${milliseconds(r.latencyMs.p99)} / ${milliseconds(r.latencyMs.max)}`,
    ),
    row('load duration', seconds(r.durationMs), `${throughput.toFixed(0)} acknowledged votes/s`),
    row(
      'reads alongside (GET results)',
      reads.sent,
      `200: ${reads.ok}` + (readFailures ? `, ${readFailures}` : ''),
    ),
    ...result.faults.windows.map((window, index) =>
      row(
        `  failed during ${window.target === 'replica' ? 'replica kill' : 'database restart'}`,
        reads.failuresPerWindow[index]!,
        window.target === 'replica' ? 'must be 0: nginx passes a GET on to a live replica' : '',
      ),
    ),
    row('  failed outside fault windows', reads.failuresOutsideWindows, 'must be 0'),
    row(
      'live-results streams (SSE)',
      streams.opened,
      'through nginx, both paths of every question, reconnecting as EventSource does',
    ),
    row('  counts events received', streams.events, `heartbeats: ${streams.heartbeats}`),
    row(
      '  reconnects',
      streams.reconnects,
      `streams ended under their viewer: ${streams.ended}` +
        (streamRefusals ? `; refused: ${streamRefusals}` : ''),
    ),
    row('  counts that went backwards', streams.backwards.length, 'must be 0'),
    row(
      '  final counts matching',
      `${streams.matching}/${streams.opened}`,
      `the database's, ${seconds(streams.settleMs)} after it was read; must be all within ${seconds(streamSettleMs)}`,
    ),
    row('setup, whole run', '', `${seconds(result.setupMs)}, ${seconds(result.totalMs)}`),
    '',
    'Faults (times from the start of the load):',
    ...result.faults.windows.flatMap((window, index) => [
      `  ${seconds(window.startMs)} → ${seconds(window.endMs)}  ${window.name}` +
        `${window.proven ? '' : ' (NOT PROVEN)'}; acknowledged after it: ${r.acknowledgedAfter[index]}`,
      ...window.facts.map((fact) => `      ${fact}`),
    ]),
    ...result.faults.skipped.map((name) => `  ${name}: never started (the load ended first)`),
    '',
    `nginx: ${result.traffic.requests} requests; passed to a second replica after the first failed: ` +
      (describeCounts(result.traffic.retriedByMethod) || 'none'),
    ...[...result.nginxErrors].map(([message, count]) => `  ${String(count).padStart(6)} × ${message}`),
    'Replicas (votes counted by the process running at the end; its log at warn and above):',
    ...result.replicas.map(
      (replica) =>
        `  ${replica.name.padEnd(10)} pid ${String(replica.pid).padEnd(8)} ${String(replica.votesCounted).padStart(6)} votes` +
        `   log: ${describeCounts(replica.logCounts) || 'nothing'}` +
        replica.logNotable.map((message) => `\n      ${message}`).join(''),
    ),
    'Per choice (sent / acknowledged / ambiguous / in the database):',
    ...r.choices.map(
      (choice) =>
        `  choice ${String(choice.choiceId).padStart(3)}: ${choice.sent} / ${choice.acknowledged} / ${choice.maybe} / ${choice.inDatabase}` +
        (choice.lost || choice.phantom ? `   LOST ${choice.lost}, PHANTOM ${choice.phantom}` : ''),
    ),
    '',
    result.problems.length === 0 ? 'PASSED' : `FAILED: ${result.problems.join('; ')}`,
  ];
  return lines.join('\n');
}

function describeCounts(counts: ReadonlyMap<string, number>): string {
  return [...counts].map(([name, count]) => `${name} ${count}`).join(', ');
}
