import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serviceDir } from './commands.js';

const startTimeoutMs = 30_000;

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The internal metrics endpoint, from the "serving" log line. */
  readonly metricsUrl: string | undefined;
  readonly exited: Promise<number | null>;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
}

/** The service's sources under a TypeScript loader; `npm start`'s entry point is `['start.mjs']`. */
const fromSources = ['--import', 'tsx', 'src/bin/serve.ts'] as const;

/**
 * Starts the service and waits for its "serving" log line (so LOG_LEVEL must show info). It writes to a
 * file, not a pipe: a pipe the test reads too slowly would block the service's synchronous log writes (pino
 * sleeps 100 ms on a full pipe) and the test would measure itself.
 */
export async function startService(
  env: Record<string, string>,
  entry: readonly string[] = fromSources,
): Promise<ServiceProcess> {
  const logDir = mkdtempSync(path.join(tmpdir(), 'polls-serve-'));
  const logFile = path.join(logDir, 'service.log');
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, entry, {
    cwd: serviceDir,
    // Any free ports: other test runs may share this machine.
    env: { PATH: process.env.PATH ?? '', PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  // What it wrote, read again on every call until it has exited; then the file is read once more and removed.
  let written = '';
  const output = () => (child.exitCode === null && child.signalCode === null ? readLog() : written);
  const readLog = () => (written = readFileSync(logFile, 'utf8'));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      readLog();
      rmSync(logDir, { recursive: true, force: true });
      resolve(code);
    }),
  );
  const deadline = Date.now() + startTimeoutMs;
  while (!/"url":"http:/.test(output())) {
    if (child.exitCode !== null) throw new Error(`the service exited: ${written}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL'); // nobody else holds it: the test never got it
      throw new Error(`the service did not start: ${written}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    url: /"url":"(http:\/\/[^"]+)"/.exec(written)![1]!,
    metricsUrl: /"metricsUrl":"(http:\/\/[^"]+)"/.exec(written)?.[1],
    exited,
    output,
  };
}

/** Stops the service if it still runs (SIGKILL: the test is over) and waits until it has exited. */
export async function stopService(service: ServiceProcess | undefined): Promise<void> {
  if (service && service.child.exitCode === null && service.child.signalCode === null) {
    service.child.kill('SIGKILL');
    await service.exited;
  }
}
