/**
 * `npm start` on the embedded database as a fresh clone sees it, in a scratch directory of its own: the step
 * of `npm ci` that makes the template (the root package's `prepare`), then the first start on an empty data
 * directory, restarts on the same directory, and a first start where no template was made (an install
 * without lifecycle scripts). Each start is timed from spawning `npm start` (npm's own 0.25 s included) to
 * the first page.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/postgres-server.js';
import { waitUntil } from './service-process.js';

const serviceDir = fileURLToPath(new URL('../', import.meta.url));
const run = promisify(execFile);
const wasmBaselineOnly = ['--no-wasm-tier-up', '--no-wasm-dynamic-tiering'];

/** The middle one of `times`, and the range: "1,234 ms (1,100–1,500)". */
export function medianAndRange(times: readonly number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  return `${sorted[Math.floor(sorted.length / 2)]} ms (${sorted[0]}–${sorted.at(-1)})`;
}

export interface StartTimes {
  /** What `npm ci` pays for the template, besides the build. */
  readonly templateMs: number;
  readonly firstMs: number;
  /** Restarts on the same directory, in order: the VM this runs on drifts, so one figure says little. */
  readonly restartsMs: readonly number[];
  readonly withoutTemplateMs: number;
}

/** Needs a current build (service/dist), as `npm ci` leaves it. */
export async function measureStarts(): Promise<StartTimes> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'polls-bench-start-'));
  const at = (name: string) => path.join(scratch, name);
  try {
    const started = performance.now();
    // With the V8 flags of the root package's `prepare`.
    await run(process.execPath, [...wasmBaselineOnly, 'dist/bin/make-embedded-template.js'], {
      cwd: serviceDir,
      env: { PATH: process.env.PATH ?? '', EMBEDDED_TEMPLATE_DIR: at('template') },
    });
    return {
      templateMs: Math.round(performance.now() - started),
      firstMs: await firstPageAfterStart(at('data'), at('template')),
      restartsMs: await restarts(at('data'), at('template')),
      withoutTemplateMs: await firstPageAfterStart(at('other-data'), at('no-template')),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function restarts(dataDir: string, templateDir: string): Promise<number[]> {
  const times = [];
  for (let restart = 0; restart < 5; restart++) times.push(await firstPageAfterStart(dataDir, templateDir));
  return times;
}

async function firstPageAfterStart(dataDir: string, templateDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  // Its own process group: npm runs the service under a shell, and all of them stop together.
  const child = spawn('npm', ['start'], {
    cwd: path.dirname(serviceDir),
    detached: true,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATA_DIR: dataDir,
      EMBEDDED_TEMPLATE_DIR: templateDir,
      PORT: String(port),
      METRICS_PORT: '0', // any free port: the default may be taken on a shared machine
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await waitUntil(`http://127.0.0.1:${port}/polls/`, 60_000);
    return Math.round(performance.now() - started);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}
