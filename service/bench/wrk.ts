import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export interface LoadResult {
  /** Responses received during the measured run. */
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Responses that were not 2xx/3xx, as wrk counts them. */
  readonly non2xx3xx: number;
}

export interface LoadRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

const run = promisify(execFile);

/** Drives Debian's wrk at `connections` concurrent connections for `seconds`; parses its latency report. */
export async function loadTest(
  request: LoadRequest,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const args = ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency'];
  if (request.method === 'POST') args.push('-s', postScript(request));
  else
    for (const [name, value] of Object.entries(request.headers ?? {})) args.push('-H', `${name}: ${value}`);
  const { stdout } = await run('wrk', [...args, request.url], { maxBuffer: 1 << 20 });
  return {
    requests: Number(match(stdout, /(\d+) requests in/)),
    requestsPerSecond: Number(match(stdout, /Requests\/sec:\s+([\d.]+)/)),
    p50Ms: toMs(match(stdout, /^\s+50%\s+(\S+)/m)),
    p99Ms: toMs(match(stdout, /^\s+99%\s+(\S+)/m)),
    non2xx3xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0),
  };
}

function postScript(request: LoadRequest): string {
  const lines = [
    'wrk.method = "POST"',
    `wrk.body = ${JSON.stringify(request.body ?? '')}`,
    ...Object.entries(request.headers ?? {}).map(
      ([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`,
    ),
  ];
  const file = path.join(tmpdir(), `polls-bench-${process.pid}.lua`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function match(text: string, pattern: RegExp): string {
  const found = pattern.exec(text)?.[1];
  if (found === undefined) throw new Error(`wrk printed no ${pattern}: ${text}`);
  return found;
}

/** wrk prints latencies as 812.00us, 1.20ms or 2.01s. */
function toMs(value: string): number {
  const number = parseFloat(value);
  if (value.endsWith('us')) return number / 1000;
  if (value.endsWith('ms')) return number;
  if (value.endsWith('s')) return number * 1000;
  throw new Error(`unknown latency unit in ${value}`);
}
