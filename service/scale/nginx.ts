import { execFile } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../test/support/postgres-server.js';
import { spawnChild, waitForOk } from './child.js';
import { nginxConfig } from './nginx-config.js';
import { summariseAccessLog, summariseErrorLog, type BalancerTraffic } from './nginx-logs.js';
import type { Teardown } from './teardown.js';

const run = promisify(execFile);
const startTimeoutMs = 10_000;

export const nginxMissing = 'nginx is not installed: apt-get install -y nginx';

/** Debian installs nginx in /usr/sbin, which a non-root PATH often lacks. */
export function findNginx(): string | undefined {
  const directories = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'];
  for (const directory of directories.filter(Boolean)) {
    const candidate = path.join(directory, 'nginx');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface Balancer {
  readonly url: string;
  /** As `nginx -v` prints it: "nginx/1.22.1". */
  readonly version: string;
  /** Read after the run: what nginx logged about every request it passed on. */
  traffic(): BalancerTraffic;
  /** nginx's error log (warn and above) by message: refused connects, cut responses, backends taken out. */
  errors(): Map<string, number>;
}

/**
 * Debian's nginx in the foreground (`daemon off`) on a free 127.0.0.1 port, its configuration checked with
 * `nginx -t` first, everything it writes under `prefix`.
 */
export async function startBalancer(
  prefix: string,
  backendPorts: readonly number[],
  teardown: Teardown,
): Promise<Balancer> {
  const binary = findNginx();
  if (!binary) throw new Error(nginxMissing);
  mkdirSync(path.join(prefix, 'temp'), { recursive: true });
  // As root, nginx's workers run as an unprivileged user (nobody), which must reach the temp paths here;
  // the master creates those and hands them to that user.
  chmodSync(prefix, 0o755);
  const listenPort = await freePort();
  const configFile = path.join(prefix, 'nginx.conf');
  const errorLog = path.join(prefix, 'error.log');
  writeFileSync(configFile, nginxConfig({ prefix, listenPort, backendPorts }));
  // -e: the error log before the configuration is read; the compiled-in default is outside the prefix.
  const args = ['-p', prefix, '-c', configFile, '-e', errorLog];
  try {
    await run(binary, [...args, '-t', '-q']);
  } catch (error) {
    throw new Error(
      `nginx -t rejected ${configFile}: ${(error as { stderr?: string }).stderr?.trim() ?? error}`,
    );
  }

  const version = (await run(binary, ['-v'])).stderr.replace('nginx version:', '').trim();

  const output: string[] = [];
  const child = spawnChild('nginx', binary, [...args, '-g', 'daemon off;'], {
    env: { PATH: process.env.PATH ?? '' },
    onLine: (line) => output.push(line),
  });
  teardown.add({
    name: 'nginx',
    // SIGTERM is nginx's fast shutdown: the master ends its workers, then itself. SIGKILL would orphan the
    // workers (and their listening socket), so even the last resort is SIGTERM.
    gently: async () => void (await child.stop('SIGTERM', 5_000)),
    now: () => child.killNow('SIGTERM'),
  });
  const url = `http://127.0.0.1:${listenPort}`;
  try {
    await waitForOk(`${url}/healthz`, child, startTimeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; nginx said: ${output.join(' ') || '(nothing)'}`);
  }
  return {
    url,
    version,
    traffic: () => summariseAccessLog(readFileSync(path.join(prefix, 'access.log'), 'utf8')),
    errors: () => summariseErrorLog(readFileSync(errorLog, 'utf8')),
  };
}
