import { spawn, type ChildProcess } from 'node:child_process';
import { serviceDir } from './commands.js';

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The internal metrics endpoint, from the "serving" log line. */
  readonly metricsUrl: string | undefined;
  readonly exited: Promise<number | null>;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
}

/** Starts `npm start`'s entry point and waits for its "serving" log line (so LOG_LEVEL must show info). */
export function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/serve.ts'], {
    cwd: serviceDir,
    // Any free ports: other test runs may share this machine.
    env: { PATH: process.env.PATH ?? '', PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    let output = '';
    let started = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // nobody else holds it: the test never got it
      reject(new Error(`the service did not start: ${output}`));
    }, 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      // Searched until found only: a busy service writes megabytes, and a search of all of it per chunk
      // would take the CPU the test is measuring.
      if (started) return;
      const url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1];
      if (url) {
        started = true;
        clearTimeout(timer);
        const metricsUrl = /"metricsUrl":"(http:\/\/[^"]+)"/.exec(output)?.[1];
        resolve({ child, url, metricsUrl, exited, output: () => output });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    void exited.then(() => reject(new Error(`the service exited: ${output}`)));
  });
}

/** Stops the service if it still runs (SIGKILL: the test is over) and waits until it has exited. */
export async function stopService(service: ServiceProcess | undefined): Promise<void> {
  if (service && service.child.exitCode === null && service.child.signalCode === null) {
    service.child.kill('SIGKILL');
    await service.exited;
  }
}
