// `npm run rollout -w stacks -- --stack dev --since 2026-12-01T10:00:00Z [--previous-image IMAGE]`: waits until
// the release that `pulumi up` started at `--since` serves, or exits 1 naming why not; on ec2, with the image the
// stack ran before, a failed refresh is rolled back to it first (see rollout.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Rollout } from '../src/platform';
import { waitForRollout, type WaitTools } from './rollout';

const tools: WaitTools = {
  run: ([command = '', ...args]) => execFileSync(command, args, { encoding: 'utf8' }),
  sleep: (seconds) => setTimeout(seconds * 1000),
  log: (line) => console.log(line),
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { stack: { type: 'string' }, since: { type: 'string' }, 'previous-image': { type: 'string' } },
  });
  const since = new Date(values.since ?? '');
  if (!values.stack || Number.isNaN(since.getTime()))
    throw new Error('--stack NAME and --since ISO-TIME are required');
  const outputs = JSON.parse(
    tools.run(['pulumi', 'stack', 'output', '--json', '--show-secrets', '--stack', values.stack]),
  ) as { rollout?: Rollout; kubeconfig?: string };
  if (!outputs.rollout) throw new Error(`stack ${values.stack} has no rollout output: no image is deployed`);
  // The kubeconfig holds no credentials (it calls `aws eks get-token`), but stays private to this process.
  const directory = mkdtempSync(join(tmpdir(), 'polls-rollout-'));
  try {
    const kubeconfigFile = join(directory, 'kubeconfig.json');
    writeFileSync(kubeconfigFile, outputs.kubeconfig ?? '', { mode: 0o600 });
    const previousImage = values['previous-image'] || undefined;
    await waitForRollout(outputs.rollout, since, kubeconfigFile, tools, {
      stack: values.stack,
      previousImage,
      now: () => new Date(),
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`rollout: ${(error as Error).message}`);
  process.exitCode = 1;
});
