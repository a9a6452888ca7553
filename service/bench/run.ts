/**
 * `npm run bench`: one service process on a scratch database of a real PostgreSQL, driven by wrk, next to
 * the machine's limits (pgbench with the vote's UPDATE, a bare Node HTTP server). Prints the figures and
 * writes them to docs/benchmarks.md. Figures only: nothing here passes or fails.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { connectToServer } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { createQuestion } from '../test/support/fixtures.js';
import { createScratchDatabase, freePort } from '../test/support/postgres-server.js';
import { processCpuMicros, rssMb, startService, type Service } from './service-process.js';
import { measureStarts, medianAndRange, type StartTimes } from './start-up.js';
import { barsSvg } from './svg-charts.js';
import { loadTest, type LoadRequest, type LoadResult } from './wrk.js';

const serviceDir = fileURLToPath(new URL('../', import.meta.url));
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
// Each endpoint is loaded this long first, unmeasured: JIT, compiled templates, pool connections, caches.
const warmUpSeconds = Number(process.env.BENCH_WARM_UP_SECONDS ?? 3);
const connections = 64;
const run = promisify(execFile);

interface Row {
  readonly name: string;
  readonly result: LoadResult;
  /** CPU time the server process spent per response: steadier than req/s on a shared machine. */
  readonly cpuMicrosPerRequest: number;
}

async function main(): Promise<void> {
  await requireWrk();
  // The service runs as deployed: compiled JavaScript (service/build.mjs), NODE_ENV=production.
  await run(process.execPath, ['build.mjs'], { cwd: serviceDir });
  const starts = await measureStarts();
  console.log(
    `npm start on an empty data directory (embedded database): first page after ${starts.firstMs} ms ` +
      `(the template npm ci makes: ${starts.templateMs} ms); restarts: median ${medianAndRange(starts.restartsMs)}; ` +
      `without a template: ${starts.withoutTemplateMs} ms`,
  );
  const scratch = await createScratchDatabase(adminUrl, 'bench');
  const database = connectToServer(scratch.url);
  try {
    await migrateToLatest(database.knex, { serialise: false });
    for (let days = 5; days >= 1; days--) await createQuestion(database.knex, `Question ${days}?`, -days);
    const question = await createQuestion(database.knex, 'Benchmarked?', 0, ['Yes', 'No']);

    const clockTicks = Number((await run('getconf', ['CLK_TCK'])).stdout);
    const rows: Row[] = [];
    /** Loads `request`; `cpuMicros` reads the server's CPU time so far. */
    const measure = async (name: string, request: LoadRequest, cpuMicros: () => number) => {
      if (warmUpSeconds > 0) await loadTest(request, connections, warmUpSeconds);
      const cpuBefore = cpuMicros();
      const result = await loadTest(request, connections, seconds);
      const row = { name, result, cpuMicrosPerRequest: (cpuMicros() - cpuBefore) / result.requests };
      rows.push(row);
      console.log(formatRow(row));
      return result;
    };
    const serviceCpu = (service: Service) => () => processCpuMicros(service.process.pid!, clockTicks);
    const ownCpu = () => {
      const { user, system } = process.cpuUsage();
      return user + system;
    };
    console.log(
      `wrk, ${connections} connections, ${warmUpSeconds} s warm-up then ${seconds} s per endpoint, one service process`,
    );

    const grouped = await startService(scratch.url, {});
    const idleRssMb = rssMb(grouped.process.pid!);
    let peakRssMb = idleRssMb;
    const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, rssMb(grouped.process.pid!))), 200);
    const { index, groupedVotes, html } = await stoppingAfter(grouped, async () => {
      const groupedCpu = serviceCpu(grouped);
      const index = await measure('GET /polls/', { url: `${grouped.base}/polls/` }, groupedCpu);
      await measure(
        "GET /polls/, a browser's Accept-Encoding (brotli)",
        { url: `${grouped.base}/polls/`, headers: { 'Accept-Encoding': 'gzip, deflate, br' } },
        groupedCpu,
      );
      await measure('GET /polls/:id/', { url: `${grouped.base}/polls/${question.id}/` }, groupedCpu);
      await measure(
        'GET /polls/:id/results/',
        { url: `${grouped.base}/polls/${question.id}/results/` },
        groupedCpu,
      );
      await measure(
        'GET /api/questions/:id',
        { url: `${grouped.base}/api/questions/${question.id}` },
        groupedCpu,
      );
      const groupedVotes = await measure(
        'POST /polls/:id/vote/, grouped (default)',
        await voteRequest(grouped.base, question),
        groupedCpu,
      );
      clearInterval(sampler);
      const html = await (await fetch(`${grouped.base}/polls/`)).text();
      return { index, groupedVotes, html };
    });

    const alone = await startService(scratch.url, { VOTE_BATCH_WINDOW_MS: '0' });
    const aloneVotes = await stoppingAfter(alone, async () =>
      measure(
        'POST /polls/:id/vote/, one transaction each (VOTE_BATCH_WINDOW_MS=0)',
        await voteRequest(alone.base, question),
        serviceCpu(alone),
      ),
    );

    const bare = await bareServer(html);
    const bareResult = await measure(
      'bare Node HTTP, same index HTML from memory',
      { url: bare.url },
      ownCpu,
    );
    await bare.close();

    const pgbench = await runPgbench(scratch.url, question.id, question.choiceIds[0]!);
    const ratios = {
      indexToBare: bareResult.requestsPerSecond / index.requestsPerSecond,
      votesGroupedToAlone: groupedVotes.requestsPerSecond / aloneVotes.requestsPerSecond,
    };
    console.log(
      `pgbench, the vote's UPDATE, one transaction per vote, ${connections} clients: ${pgbench.tps} tps`,
    );
    console.log(`bare Node / index: ${ratios.indexToBare.toFixed(2)}× (target ≤ 3)`);
    console.log(
      `grouped votes / one transaction per vote: ${ratios.votesGroupedToAlone.toFixed(2)}× (target ≥ 5)`,
    );
    console.log(`RSS of the service: idle ${idleRssMb} MB, peak under load ${peakRssMb} MB`);

    const facts = await machineFacts(database.knex);
    writeReport({ rows, pgbench, ratios, idleRssMb, peakRssMb, starts, facts });
  } finally {
    await database.close();
    await scratch.drop();
  }
}

/** Stops with one line naming the fix when Debian's wrk is missing, instead of a stack trace mid-run. */
async function requireWrk(): Promise<void> {
  const missing = await run('wrk', ['-v']).then(
    () => false,
    (error: { code?: unknown }) => error.code === 'ENOENT', // wrk -v prints its version, then exits 1
  );
  if (missing) {
    console.error('npm run bench needs wrk: apt-get install -y wrk');
    process.exit(1);
  }
}

/** Runs `work` against a started service and stops the service however `work` ends. */
async function stoppingAfter<Result>(service: Service, work: () => Promise<Result>): Promise<Result> {
  try {
    return await work();
  } finally {
    await service.stop();
  }
}

/** A vote as a browser sends it: the session cookie and the CSRF token of the question's form. */
async function voteRequest(base: string, question: { id: number; choiceIds: readonly number[] }) {
  const page = await fetch(`${base}/polls/${question.id}/`);
  const token = /name="csrf_token" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!token) throw new Error('the detail page has no CSRF token');
  const cookie = page.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');
  return {
    url: `${base}/polls/${question.id}/vote/`,
    method: 'POST' as const,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    body: new URLSearchParams({ choice: String(question.choiceIds[0]), csrf_token: token }).toString(),
  };
}

async function bareServer(html: string) {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The vote as one statement per transaction (the contract's UPDATE), all clients on the same choice. */
async function runPgbench(url: string, questionId: number, choiceId: number): Promise<{ tps: number }> {
  const script = path.join(os.tmpdir(), `polls-bench-${process.pid}.sql`);
  writeFileSync(
    script,
    `update choices set votes = votes + 1 where id = ${choiceId} and question_id = ${questionId};\n`,
  );
  const { stdout } = await run('pgbench', [
    '-n',
    `-c${connections}`,
    '-j2',
    `-T${seconds}`,
    '-f',
    script,
    url,
  ]);
  const tps = /tps = ([\d.]+)/.exec(stdout)?.[1];
  if (!tps) throw new Error(`pgbench printed no tps: ${stdout}`);
  return { tps: Math.round(Number(tps)) };
}

async function machineFacts(knex: import('knex').Knex) {
  const settings = await knex.raw<{ rows: { name: string; setting: string }[] }>(
    `select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'server_version')`,
  );
  const { stdout: wrkVersion } = await run('wrk', ['-v']).catch((error: { stdout?: string }) => ({
    stdout: error.stdout ?? '', // wrk -v prints its version, then exits with status 1
  }));
  return {
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'} (shared by wrk, the service and PostgreSQL)`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: settings.rows.map((row) => `${row.name}=${row.setting}`).join(', '),
    wrk: wrkVersion.split('\n')[0]?.trim() || 'unknown',
  };
}

function formatRow({ name, result, cpuMicrosPerRequest }: Row): string {
  const errors = result.non2xx3xx ? `, ${result.non2xx3xx} non-2xx/3xx` : '';
  return `${name.padEnd(70)} ${result.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  ${cpuMicrosPerRequest.toFixed(0)} µs CPU/req${errors}`;
}

const sideBySideHeading = '## Side by side with the Django tutorial app';

/**
 * The report's side-by-side section, kept as it is: its figures come from another script
 * (bench-vs-django/run.sh beside the repository), run by hand, not from this one.
 */
function sideBySideSection(reportFile: string): string {
  const current = existsSync(reportFile) ? readFileSync(reportFile, 'utf8') : '';
  const start = current.indexOf(sideBySideHeading);
  return start === -1 ? '' : `\n${current.slice(start)}`;
}

function writeReport(report: {
  rows: Row[];
  pgbench: { tps: number };
  ratios: { indexToBare: number; votesGroupedToAlone: number };
  idleRssMb: number;
  peakRssMb: number;
  starts: StartTimes;
  facts: Record<string, string>;
}): void {
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString()}. One service process (NODE_ENV=production,`,
    `LOG_LEVEL=warn) on a scratch database of the machine's PostgreSQL; wrk with ${connections} connections,`,
    `${warmUpSeconds} s of unmeasured warm-up, then ${seconds} s per endpoint. Every vote goes to the same choice.`,
    'The one-transaction-per-vote row is the same service started with `VOTE_BATCH_WINDOW_MS=0`, in the same',
    'run. Server CPU is the CPU time the serving process spent per response (wrk, the service and PostgreSQL',
    'share the same cores, so it is steadier than req/s). Every row goes through the whole Koa middleware chain;',
    'GET /polls/ reuses the page rendered and compressed once per change of its questions (docs/operations.md,',
    '"The index page"). Figures, not assertions: rerun the script to refresh them.',
    '',
    '## Machine',
    '',
    ...Object.entries(report.facts).map(([name, value]) => `- ${name}: ${value}`),
    '',
    '## Results',
    '',
    '![Requests per second of each row](benchmarks.svg)',
    '',
    '| Endpoint | req/s | p50 ms | p99 ms | server CPU µs/req | non-2xx/3xx |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...report.rows.map(
      ({ name, result, cpuMicrosPerRequest }) =>
        `| ${name} | ${result.requestsPerSecond.toFixed(0)} | ${result.p50Ms.toFixed(2)} | ${result.p99Ms.toFixed(2)} | ${cpuMicrosPerRequest.toFixed(0)} | ${result.non2xx3xx} |`,
    ),
    '',
    `pgbench, the vote's UPDATE with one transaction per vote, ${connections} clients: ${report.pgbench.tps} tps.`,
    '',
    `- Bare Node serves ${report.ratios.indexToBare.toFixed(2)}× the index's requests per second (target: at most 3×).`,
    `- Grouped votes: ${report.ratios.votesGroupedToAlone.toFixed(2)}× the one-transaction-per-vote figure (target: at least 5×).`,
    `- RSS of the service: ${report.idleRssMb} MB idle after start, ${report.peakRssMb} MB at peak under load.`,
    `- \`npm start\` on an empty data directory (the embedded database, as on a fresh clone): first page after ${report.starts.firstMs} ms, copying the template that \`npm ci\` made in ${report.starts.templateMs} ms; after a restart on the same directory, a median of ${medianAndRange(report.starts.restartsMs)} in ${report.starts.restartsMs.length} restarts; on an install without that template (\`npm ci --ignore-scripts\`), ${report.starts.withoutTemplateMs} ms.`,
    '',
  ];
  const chart = barsSvg(
    `npm run bench: requests per second (wrk, ${connections} connections, one process)`,
    'req/s',
    report.rows.map(({ name, result }) => ({
      label: name.replace(/ \(.*\)$/, ''),
      value: result.requestsPerSecond,
    })),
  );
  writeFileSync(fileURLToPath(new URL('../../docs/benchmarks.svg', import.meta.url)), chart);
  const reportFile = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
  writeFileSync(reportFile, lines.join('\n') + sideBySideSection(reportFile));
}

await main();
