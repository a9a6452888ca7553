/**
 * `npm run bench:streams -w service`: live results under load, on one service process (compiled, as
 * deployed) on a scratch database of a real PostgreSQL, loopback only. Thousands of open streams watch a few
 * questions while votes flow at a fixed rate; the figures go to docs/live-results-benchmark.md. Figures
 * only: nothing here passes or fails. Bounded: it stops itself after a few minutes whatever happens.
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connectToServer } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { createQuestion, type CreatedQuestion } from '../test/support/fixtures.js';
import { createScratchDatabase } from '../test/support/postgres-server.js';
import { processCpuMicros, rssMb, startService, type Service } from './service-process.js';
import type { OpenMessage, SampledStream } from './stream-clients.js';
import { serviceMemoryLimitsMiB, streamsThatFit } from '../../stacks/src/service-contract.js';
import { loadTest, type LoadResult } from './wrk.js';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const streamCount = Number(process.env.BENCH_STREAMS ?? 5_000);
const votesPerSecond = Number(process.env.BENCH_VOTES_PER_SECOND ?? 1_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const questionCount = 4;
/** Streams whose events are timed; the others are read and thrown away, as a browser that is not looked at. */
const sampledPerQuestion = 10;
const wrkConnections = 64;
const giveUpAfterMs = 10 * 60_000;
const serviceDir = fileURLToPath(new URL('../', import.meta.url));
const run = promisify(execFile);
/** Milliseconds since the epoch, finer than Date.now(): comparable with the times the viewers' process records. */
const now = () => performance.timeOrigin + performance.now();

interface TimedVote {
  readonly questionId: number;
  readonly sentAt: number;
  readonly acknowledgedAt: number;
  /** The question's total in the vote's answer: the first event with at least this many votes shows it. */
  readonly totalAfter: number;
}

async function main(): Promise<void> {
  let viewers: ChildProcess | undefined;
  let service: Service | undefined;
  const giveUp = setTimeout(() => {
    console.error(`bench:streams did not finish within ${giveUpAfterMs / 60_000} minutes: stopping`);
    viewers?.kill('SIGKILL');
    service?.process.kill('SIGKILL');
    process.exit(1);
  }, giveUpAfterMs);
  giveUp.unref();
  await run(process.execPath, ['build.mjs'], { cwd: serviceDir });
  const scratch = await createScratchDatabase(adminUrl, 'bench_streams');
  const database = connectToServer(scratch.url);
  try {
    await migrateToLatest(database.knex, { serialise: false });
    const questions: CreatedQuestion[] = [];
    for (let i = 1; i <= questionCount; i++)
      questions.push(await createQuestion(database.knex, `Live ${i}?`, -1));
    const memory: StreamMemory[] = [];
    for (const headerBytes of [1024, 16 * 1024 - 512]) {
      console.log(`memory of ${streamCount} streams with ~${headerBytes} bytes of request headers each`);
      memory.push(await streamMemory(scratch.url, questions, headerBytes));
      console.log(`  ${memory.at(-1)!.kbPerStream.toFixed(1)} KB per stream`);
    }

    service = await startService(scratch.url, streamLimits);
    const pid = service.process.pid!;
    const clockTicks = Number((await run('getconf', ['CLK_TCK'])).stdout);
    const cpu = () => processCpuMicros(pid, clockTicks);
    const voteLoad = voteLoadOn(service.base, questions[0]!);

    console.log(`wrk, ${wrkConnections} connections, ${seconds} s: votes without streams`);
    await loadTest(voteLoad, wrkConnections, 3); // warm-up: JIT, pool, prepared statements
    const throughputWithout = await measured(cpu, () => loadTest(voteLoad, wrkConnections, seconds));
    console.log(`  ${throughputWithout.requestsPerSecond.toFixed(0)} votes/s`);

    console.log(`${votesPerSecond} votes/s for ${seconds} s without streams`);
    const cpuBefore = cpu();
    const steadyWithout = await castVotes(service.base, questions, votesPerSecond, seconds);
    const cpuWithoutStreams = cpu() - cpuBefore;

    const rssBefore = rssMb(pid);
    console.log(`opening ${streamCount} streams on ${questionCount} questions`);
    viewers = fork(fileURLToPath(new URL('stream-clients.ts', import.meta.url)), {
      execArgv: ['--import', 'tsx'],
    });
    const open: OpenMessage = {
      base: service.base,
      questionIds: questions.map((question) => question.id),
      count: streamCount,
      sampledPerQuestion,
    };
    viewers.send({ open });
    await once(viewers, 'message');
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // first events sent, allocations settled
    const rssAfter = rssMb(pid);
    console.log(
      `  open: ${await metric(service.metricsBase, 'polls_live_streams_open')}; RSS ${rssBefore} → ${rssAfter} MB`,
    );

    console.log(`${votesPerSecond} votes/s for ${seconds} s with the streams open`);
    const readsBefore = await metric(service.metricsBase, 'polls_live_counts_reads_total');
    const eventsBefore = await metric(service.metricsBase, 'polls_live_events_sent_total');
    const cpuBeforeStreams = cpu();
    const steadyWith = await castVotes(service.base, questions, votesPerSecond, seconds);
    const cpuWithStreams = cpu() - cpuBeforeStreams;
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // the last votes' events
    const fanOuts = (await metric(service.metricsBase, 'polls_live_counts_reads_total')) - readsBefore;
    const eventsSent = (await metric(service.metricsBase, 'polls_live_events_sent_total')) - eventsBefore;

    console.log(`wrk, ${wrkConnections} connections, ${seconds} s: votes with the streams open`);
    const throughputWith = await measured(cpu, () => loadTest(voteLoad, wrkConnections, seconds));
    const dropped = await metric(service.metricsBase, 'polls_live_slow_consumers_dropped_total');
    viewers.send({ report: true }); // and close the streams
    const [{ sampled }] = (await once(viewers, 'message')) as [{ sampled: SampledStream[] }];
    const latency = commitToEvent(steadyWith.votes, sampled);
    // Once more without streams: the first run may still have been warming up, the machine's load may move.
    console.log(`wrk, ${wrkConnections} connections, ${seconds} s: votes after the streams closed`);
    const throughputAfter = await measured(cpu, () => loadTest(voteLoad, wrkConnections, seconds));

    // Negative when the machine was busier without the streams than with them: then within the noise.
    const extraCpu = cpuWithStreams - cpuWithoutStreams;
    const report: Report = {
      facts: await machineFacts(),
      memory,
      throughputWithout,
      throughputWith,
      throughputAfter,
      rateWithout: steadyWithout.perSecond,
      rateWith: steadyWith.perSecond,
      latency,
      kbPerStream: ((rssAfter - rssBefore) * 1024) / streamCount,
      rssBefore,
      rssAfter,
      fanOuts,
      eventsSent,
      cpuMicrosPerFanOut: extraCpu / fanOuts,
      cpuMicrosPerEvent: extraCpu / eventsSent,
      cpuPercentWithout: (cpuWithoutStreams / (seconds * 1e6)) * 100,
      cpuPercentWith: (cpuWithStreams / (seconds * 1e6)) * 100,
      dropped,
    };
    for (const line of reportLines(report)) console.log(line);
    writeFileSync(
      fileURLToPath(new URL('../../docs/live-results-benchmark.md', import.meta.url)),
      reportLines(report).join('\n') + '\n',
    );
  } finally {
    viewers?.kill();
    await service?.stop();
    await database.close();
    await scratch.drop();
  }
}

/** Every stream from this one client address: the per-address limit would otherwise refuse most of them. */
const streamLimits = {
  MAX_STREAMS: String(streamCount + 100),
  MAX_STREAMS_PER_ADDRESS: String(streamCount + 100),
};

/** wrk's votes for one question's first choice, through the JSON API. */
function voteLoadOn(base: string, question: CreatedQuestion) {
  return {
    url: `${base}/api/questions/${question.id}/votes`,
    method: 'POST' as const,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ choiceId: question.choiceIds[0] }),
  };
}

interface StreamMemory {
  readonly headerBytes: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly kbPerStream: number;
}

/**
 * What open streams add to a fresh process's RSS (what a container's memory limit counts), whose JIT and
 * pool were first warmed by a few seconds of votes; each stream's request carries about `headerBytes`.
 */
async function streamMemory(
  databaseUrl: string,
  questions: readonly CreatedQuestion[],
  headerBytes: number,
): Promise<StreamMemory> {
  const fresh = await startService(databaseUrl, streamLimits);
  const viewers = fork(fileURLToPath(new URL('stream-clients.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
  });
  try {
    await loadTest(voteLoadOn(fresh.base, questions[0]!), wrkConnections, 3);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const rssBefore = rssMb(fresh.process.pid!);
    const open: OpenMessage = {
      base: fresh.base,
      questionIds: questions.map((question) => question.id),
      count: streamCount,
      sampledPerQuestion: 0,
      headerBytes,
    };
    viewers.send({ open });
    await once(viewers, 'message');
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // first events sent, allocations settled
    const opened = await metric(fresh.metricsBase, 'polls_live_streams_open');
    if (opened !== streamCount) throw new Error(`only ${opened} of ${streamCount} streams opened`);
    const rssAfter = rssMb(fresh.process.pid!);
    return { headerBytes, rssBefore, rssAfter, kbPerStream: ((rssAfter - rssBefore) * 1024) / streamCount };
  } finally {
    viewers.kill();
    await fresh.stop();
  }
}

type Measured = LoadResult & { readonly cpuMicrosPerVote: number };

/** A wrk run, with the service's CPU time per vote: steadier than votes/s on a shared machine. */
async function measured(cpu: () => number, load: () => Promise<LoadResult>): Promise<Measured> {
  const before = cpu();
  const result = await load();
  return { ...result, cpuMicrosPerVote: (cpu() - before) / result.requests };
}

/** Votes through the JSON API at `rate` a second, spread over the questions, each timed. */
async function castVotes(
  base: string,
  questions: readonly CreatedQuestion[],
  rate: number,
  forSeconds: number,
) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const votes: TimedVote[] = [];
  const inFlight: Promise<void>[] = [];
  let failed = 0;
  const started = now();
  const perTick = rate / 100;
  for (let tick = 0; tick < forSeconds * 100; tick++) {
    for (let i = 0; i < perTick; i++) {
      const question = questions[(tick * perTick + i) % questions.length]!;
      const choiceId = question.choiceIds[i % question.choiceIds.length]!;
      inFlight.push(
        timedVote(agent, base, question.id, choiceId).then(
          (vote) => void votes.push(vote),
          () => void failed++,
        ),
      );
    }
    // Every 10 ms of the schedule, whatever the previous ones took: a fixed rate, not a closed loop.
    const wait = started + (tick + 1) * 10 - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await Promise.all(inFlight);
  agent.destroy();
  if (failed) console.log(`  ${failed} votes failed`);
  return { votes, perSecond: votes.length / ((now() - started) / 1000) };
}

function timedVote(agent: Agent, base: string, questionId: number, choiceId: number): Promise<TimedVote> {
  const body = JSON.stringify({ choiceId });
  let sentAt = now();
  return new Promise((resolve, reject) => {
    const call = request(`${base}/api/questions/${questionId}/votes`, {
      method: 'POST',
      agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    });
    call.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk));
      response.on('end', () => {
        if (response.statusCode !== 201) return reject(new Error(`vote answered ${response.statusCode}`));
        const { choices } = JSON.parse(text) as { choices: { votes: number }[] };
        const totalAfter = choices.reduce((sum, choice) => sum + choice.votes, 0);
        resolve({ questionId, sentAt, acknowledgedAt: now(), totalAfter });
      });
    });
    call.on('error', reject);
    // Timed from when the request left for the socket: a wait for one of the client's sockets is not the service's.
    call.on('finish', () => (sentAt = now()));
    call.end(body);
  });
}

/**
 * For each vote and each sampled stream of its question: when the first event showing the vote arrived,
 * after the vote was sent (an upper bound of commit → event: it includes the request and the batch window)
 * and after the voter's answer (a lower bound: the commit came before it; negative when the event won).
 */
function commitToEvent(votes: readonly TimedVote[], streams: readonly SampledStream[]) {
  const fromSent: number[] = [];
  const fromAnswer: number[] = [];
  let missing = 0;
  for (const stream of streams) {
    for (const vote of votes) {
      if (vote.questionId !== stream.questionId) continue;
      const shown = stream.totals.find((event) => event.total >= vote.totalAfter);
      if (!shown) {
        missing += 1;
        continue;
      }
      fromSent.push(shown.at - vote.sentAt);
      fromAnswer.push(shown.at - vote.acknowledgedAt);
    }
  }
  return {
    fromSent: percentiles(fromSent),
    fromAnswer: percentiles(fromAnswer),
    pairs: fromSent.length,
    missing,
  };
}

function percentiles(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  // A missing series is a broken measurement, not a zero.
  if (line === undefined) throw new Error(`${base}/metrics has no ${name}`);
  return Number(line.slice(name.length + 1));
}

async function machineFacts(): Promise<Record<string, string>> {
  return {
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'} (shared by the clients, the service and PostgreSQL)`,
    node: process.version,
  };
}

interface Report {
  readonly facts: Record<string, string>;
  readonly memory: readonly StreamMemory[];
  readonly throughputWithout: Measured;
  readonly throughputWith: Measured;
  readonly throughputAfter: Measured;
  readonly rateWithout: number;
  readonly rateWith: number;
  readonly latency: ReturnType<typeof commitToEvent>;
  readonly kbPerStream: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly fanOuts: number;
  readonly eventsSent: number;
  readonly cpuMicrosPerFanOut: number;
  readonly cpuMicrosPerEvent: number;
  readonly cpuPercentWithout: number;
  readonly cpuPercentWith: number;
  readonly dropped: number;
}

/** The largest MAX_STREAMS each platform's memory limit holds, at the costlier of the measured costs. */
function memoryFits(memory: readonly StreamMemory[]): string[] {
  const worst = {
    withoutStreamsMiB: Math.max(...memory.map((cost) => cost.rssBefore)),
    perStreamKiB: Math.max(...memory.map((cost) => cost.kbPerStream)),
  };
  return Object.entries(serviceMemoryLimitsMiB).map(
    ([platform, limitMiB]) =>
      `| largest MAX_STREAMS within the ${platform} memory limit (${limitMiB} MiB, stacks/src/service-contract.ts), at ${worst.withoutStreamsMiB} MB without streams and ${worst.perStreamKiB.toFixed(1)} KB per stream | ${streamsThatFit(limitMiB, worst)} |`,
  );
}

function reportLines(report: Report): string[] {
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const { fromSent, fromAnswer } = report.latency;
  const runs = [report.throughputWithout, report.throughputWith, report.throughputAfter];
  return [
    '# Live results under load',
    '',
    `Written by \`npm run bench:streams -w service\` on ${new Date().toISOString()}. One service process`,
    "(compiled, NODE_ENV=production, LOG_LEVEL=warn) on a scratch database of the machine's PostgreSQL; the",
    `clients run on the same machine, the viewers in one Node process, the voters in another: ${streamCount} streams (\`GET /api/questions/:id/events\`)`,
    `on ${questionCount} questions, ${sampledPerQuestion} of each question's streams timed, and votes through the JSON API at`,
    `a fixed ${votesPerSecond} a second for ${seconds} s, spread over the questions. Figures, not assertions.`,
    '',
    ...Object.entries(report.facts).map(([name, value]) => `- ${name}: ${value}`),
    '',
    '| figure | value |',
    '| --- | ---: |',
    `| votes cast, fixed rate, without / with streams | ${report.rateWithout.toFixed(0)} / ${report.rateWith.toFixed(0)} a second |`,
    `| commit → event, upper bound: vote written to the socket → first event showing it on a timed stream, p50 / p99 / max | ${ms(fromSent.p50)} / ${ms(fromSent.p99)} / ${ms(fromSent.max)} |`,
    `| commit → event, lower bound: the voter's answer → that event, p50 / p99 (negative: the event came first) | ${ms(fromAnswer.p50)} / ${ms(fromAnswer.p99)} |`,
    `| (vote, timed stream) pairs measured / never shown | ${report.latency.pairs} / ${report.latency.missing} |`,
    `| RSS before / after opening the streams | ${report.rssBefore} / ${report.rssAfter} MB |`,
    `| added RSS per open stream | ${report.kbPerStream.toFixed(1)} KB |`,
    `| fan-outs (one read of a question's counts, written to all its streams) | ${report.fanOuts} |`,
    `| events written to streams | ${report.eventsSent} |`,
    `| service CPU at the fixed vote rate, without / with streams | ${report.cpuPercentWithout.toFixed(0)} % / ${report.cpuPercentWith.toFixed(0)} % of a core |`,
    `| added CPU per fan-out / per event written | ${report.cpuMicrosPerFanOut.toFixed(0)} µs / ${report.cpuMicrosPerEvent.toFixed(1)} µs |`,
    `| slow consumers dropped | ${report.dropped} |`,
    ...report.memory.map(
      (cost) =>
        `| fresh process, ~${(cost.headerBytes / 1024).toFixed(1)} KB of request headers per stream: RSS before / after opening the streams; added RSS per stream | ${cost.rssBefore} / ${cost.rssAfter} MB; ${cost.kbPerStream.toFixed(1)} KB |`,
    ),
    ...memoryFits(report.memory),
    `| vote throughput (wrk, ${wrkConnections} connections, one watched question): before / with / after the streams | ${runs.map((run) => run.requestsPerSecond.toFixed(0)).join(' / ')} votes/s |`,
    `| vote p99 (wrk): before / with / after the streams | ${runs.map((run) => run.p99Ms.toFixed(1)).join(' / ')} ms |`,
    `| service CPU per vote (wrk): before / with / after the streams | ${runs.map((run) => run.cpuMicrosPerVote.toFixed(0)).join(' / ')} µs |`,
  ];
}

await main();
