/** The service process as the benchmarks run it, and what they read of it from /proc. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/postgres-server.js';

const serviceDir = fileURLToPath(new URL('../', import.meta.url));

export interface Service {
  readonly base: string;
  /** The internal metrics port's base URL (`/metrics` is not served on the public one). */
  readonly metricsBase: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** The service as deployed (NODE_ENV=production), with `env` on top, ready to take requests. */
export async function startService(databaseUrl: string, env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  // A free port, not the default, which may be taken on a shared machine.
  const metricsPort = await freePort();
  const child = spawn(process.execPath, ['dist/bin/serve.js'], {
    cwd: serviceDir,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      SESSION_KEYS: randomBytes(24).toString('hex'),
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn', // an access-log line per request is measured separately from the service
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const service = {
    base: `http://127.0.0.1:${port}`,
    metricsBase: `http://127.0.0.1:${metricsPort}`,
    process: child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    await waitUntilReady(service.base);
  } catch (error) {
    await service.stop();
    throw error;
  }
  return service;
}

async function waitUntilReady(base: string): Promise<void> {
  await waitUntil(`${base}/readyz`, 30_000);
}

/** Polls `url` every 20 ms until it answers 200. */
export async function waitUntil(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${url} never answered 200`);
}

/** User and system CPU time of a process, all its threads, from /proc. */
export function processCpuMicros(pid: number, clockTicks: number): number {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / clockTicks) * 1e6;
}

export function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}
