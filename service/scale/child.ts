import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const serviceDir = fileURLToPath(new URL('../', import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A process the scale test started and is responsible for ending. */
export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<Exit>;
  readonly running: boolean;
  /** Sends `signal`, waits up to `graceMs` for the exit, then SIGKILLs. */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<Exit>;
  /** Sends `signal` (SIGKILL unless told) without waiting: the last resort, or a deliberate crash. */
  killNow(signal?: NodeJS.Signals): void;
}

export interface ChildOptions {
  readonly cwd?: string;
  readonly env: NodeJS.ProcessEnv;
  /** Every line the process writes to stdout or stderr. */
  readonly onLine?: (line: string) => void;
}

export function spawnChild(
  name: string,
  command: string,
  args: readonly string[],
  options: ChildOptions,
): Child {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let running = true;
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', (error) => {
      running = false;
      reject(new Error(`${name} (${command}) could not be started: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });
  exited.catch(() => {}); // callers that care await it; an unstarted child must not crash the harness
  for (const stream of [child.stdout, child.stderr]) {
    const lines = createInterface({ input: stream });
    lines.on('line', (line) => options.onLine?.(line));
  }
  const result: Child = {
    name,
    pid: child.pid ?? -1,
    exited,
    get running() {
      return running;
    },
    async stop(signal, graceMs) {
      if (!running) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    killNow(signal = 'SIGKILL') {
      if (running) child.kill(signal);
    },
  };
  return result;
}

/** One of the service's commands (`src/bin/NAME.ts`), run as `npm start` / `npm run migrate` run them. */
export function spawnServiceCommand(
  name: string,
  command: 'serve' | 'migrate',
  env: Record<string, string>,
  onLine: (line: string) => void,
): Child {
  return spawnChild(name, process.execPath, ['--import', 'tsx', `src/bin/${command}.ts`], {
    cwd: serviceDir,
    env: { PATH: process.env.PATH ?? '', ...env },
    onLine,
  });
}

/** Polls `url` until it answers 200; fails early when `child` exits or after `timeoutMs`. */
export async function waitForOk(url: string, child: Child | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child && !child.running) throw new Error(`${child.name} exited before ${url} answered 200`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}
