/**
 * `npm run bench`: one service process on a scratch database of a real PostgreSQL, driven by wrk, next to
 * the machine's limits (pgbench with the vote's UPDATE, a bare Node HTTP server). Prints the figures and
 * writes them to docs/benchmarks.md. Figures only: nothing here passes or fails.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { connectToServer } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { createQuestion } from '../test/support/fixtures.js';
import { createScratchDatabase, freePort } from '../test/support/postgres-server.js';
import { loadTest, type LoadRequest, type LoadResult } from './wrk.js';

const serviceDir = fileURLToPath(new URL('../', import.meta.url));
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = 64;
const run = promisify(execFile);

interface Row {
  readonly name: string;
  readonly result: LoadResult;
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(adminUrl, 'bench');
  const database = connectToServer(scratch.url);
  const port = await freePort();
  const service = spawn(process.execPath, ['--import', 'tsx', 'src/bin/serve.ts'], {
    cwd: serviceDir,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: scratch.url,
      PORT: String(port),
      SESSION_KEYS: randomBytes(24).toString('hex'),
      LOG_LEVEL: 'warn', // an access-log line per request is measured separately from the service
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await migrateToLatest(database.knex, { serialise: false });
    for (let days = 5; days >= 1; days--) await createQuestion(database.knex, `Question ${days}?`, -days);
    const question = await createQuestion(database.knex, 'Benchmarked?', 0, ['Yes', 'No']);
    const base = `http://127.0.0.1:${port}`;
    await waitUntilReady(base);
    const idleRssMb = rssMb(service.pid!);

    const rows: Row[] = [];
    const measure = async (name: string, request: LoadRequest) => {
      const result = await loadTest(request, connections, seconds);
      rows.push({ name, result });
      console.log(formatRow({ name, result }));
    };
    console.log(`wrk, ${connections} connections, ${seconds} s per endpoint, one service process`);
    await measure('GET /polls/', { url: `${base}/polls/` });
    await measure('GET /polls/:id/', { url: `${base}/polls/${question.id}/` });
    await measure('GET /polls/:id/results/', { url: `${base}/polls/${question.id}/results/` });
    await measure('GET /api/questions/:id', { url: `${base}/api/questions/${question.id}` });
    let peakRssMb = 0;
    const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, rssMb(service.pid!))), 200);
    await measure('POST /polls/:id/vote/ (grouped)', await voteRequest(base, question));
    clearInterval(sampler);

    const html = await (await fetch(`${base}/polls/`)).text();
    const bare = await bareServer(html);
    await measure('bare Node HTTP, same index HTML', { url: bare.url });
    await bare.close();
    const pgbench = await runPgbench(scratch.url, question.choiceIds[0]!);
    console.log(`pgbench, same UPDATE, one transaction per vote, ${connections} clients: ${pgbench.tps} tps`);
    console.log(`RSS: idle ${idleRssMb} MB, peak under vote load ${peakRssMb} MB`);

    const facts = await machineFacts(database.knex);
    writeReport({ rows, pgbench, idleRssMb, peakRssMb, facts });
  } finally {
    service.kill('SIGTERM');
    await new Promise((resolve) => service.once('exit', resolve));
    await database.close();
    await scratch.drop();
  }
}

async function waitUntilReady(base: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const status = await fetch(`${base}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the service never became ready');
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

async function runPgbench(url: string, choiceId: number): Promise<{ tps: number }> {
  const script = path.join(os.tmpdir(), `polls-bench-${process.pid}.sql`);
  writeFileSync(script, `update choices set votes = votes + 1 where id = ${choiceId};\n`);
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

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}

async function machineFacts(knex: import('knex').Knex) {
  const settings = await knex.raw<{ rows: { name: string; setting: string }[] }>(
    `select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'server_version')`,
  );
  return {
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: settings.rows.map((row) => `${row.name}=${row.setting}`).join(', '),
  };
}

function formatRow({ name, result }: Row): string {
  const errors = result.non2xx3xx ? `, ${result.non2xx3xx} non-2xx/3xx` : '';
  return `${name.padEnd(36)} ${result.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms${errors}`;
}

function writeReport(report: {
  rows: Row[];
  pgbench: { tps: number };
  idleRssMb: number;
  peakRssMb: number;
  facts: Record<string, string>;
}): void {
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString()}. One service process (NODE_ENV=production,`,
    `LOG_LEVEL=warn) on a scratch database of the machine's PostgreSQL; wrk with ${connections} connections for`,
    `${seconds} s per endpoint. Figures, not assertions: rerun the script to refresh them.`,
    '',
    '## Machine',
    '',
    ...Object.entries(report.facts).map(([name, value]) => `- ${name}: ${value}`),
    '',
    '## Results',
    '',
    '| Endpoint | req/s | p50 ms | p99 ms | non-2xx/3xx |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...report.rows.map(
      ({ name, result }) =>
        `| ${name} | ${result.requestsPerSecond.toFixed(0)} | ${result.p50Ms.toFixed(2)} | ${result.p99Ms.toFixed(2)} | ${result.non2xx3xx} |`,
    ),
    '',
    `pgbench, the vote's UPDATE with one transaction per vote, ${connections} clients: ${report.pgbench.tps} tps.`,
    '',
    `RSS of the service: ${report.idleRssMb} MB idle, ${report.peakRssMb} MB at peak under vote load.`,
    '',
  ];
  writeFileSync(fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url)), lines.join('\n'));
}

await main();
