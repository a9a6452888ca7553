import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { readStackConfig, type StackFileOptions } from './stack-files';

/**
 * Sets up this process as the Node.js language host starts a program for `Pulumi.<stack>.yaml`: the project
 * and stack names, and the config the engine would hand over (stack-files.ts). For tools that run the
 * program's own config checks without `pulumi` (render:k8s, the pipeline's check before it builds). Throws
 * the engine's StackConfigError when the engine would refuse the stack.
 */
export function startLikeTheEngine(
  repositoryRoot: string,
  stack: string,
  options: StackFileOptions = {},
): void {
  const project = (parse(readFileSync(join(repositoryRoot, 'Pulumi.yaml'), 'utf8')) as { name: string }).name;
  // The SDK reads PULUMI_NODEJS_PROJECT and _STACK once, when the first module (a provider's, too) asks for
  // its settings; resetOptions, the Automation API's way in, sets them whatever was imported before.
  // As in a preview, with no engine or monitor: nothing here registers a resource.
  pulumi.runtime.resetOptions(project, stack, 1, '', '', true, '');
  const { config, secretKeys } = readStackConfig(repositoryRoot, stack, options);
  pulumi.runtime.setAllConfig(config, secretKeys);
}
