// Before a build that will preview or deploy a stack builds anything: would the program accept the committed
// stack file? Jenkins deploys from a clean checkout, so the committed file is all the config a deploy gets
// (docs/deploying.md, "Per-account values"); a key missing there must stop the build now, not after the image
// build, the tests and a release's approval.
import type { StackConfig } from '../src/config';
import { loadDeployableConfig } from '../src/deployable-config';
import { startLikeTheEngine } from '../src/engine-config/program-start';
import type { StackFileOptions } from '../src/engine-config/stack-files';

/**
 * The committed `Pulumi.<stack>.yaml` read as the engine hands it over (project defaults merged, types
 * checked), then through every check the program makes before it registers anything. Throws one line naming
 * the key(s) the engine or the program refuses.
 */
export function checkStackConfig(
  repositoryRoot: string,
  stack: string,
  today: Date,
  options: StackFileOptions = {},
): StackConfig {
  try {
    startLikeTheEngine(repositoryRoot, stack, options);
    return loadDeployableConfig(today);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new Error(
      `Pulumi.${stack}.yaml as committed cannot be deployed: ${reason} ` +
        '(a deploy reads only the committed stack file: docs/deploying.md, "Per-account values")',
    );
  }
}
