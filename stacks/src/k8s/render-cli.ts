/**
 * `npm run render:k8s -- --stack dev [--image REF] [--out DIR]`: writes the workload as plain YAML for
 * `kubectl apply`, from the same object builders the Pulumi program uses, after checking it against the
 * Kubernetes schemas and the semantic checks. See docs/eks.md for the apply order.
 */
import * as pulumi from '@pulumi/pulumi';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadStackConfig, type StackConfig } from '../config';
import { startLikeTheEngine } from '../engine-config/program-start';
import { semanticProblems } from './checks';
import { workload, workloadObjects } from './manifests';
import { migrationJobName } from './migration-job';
import { renderFiles, secretPlaceholders, secretTemplateFile } from './render';
import { schemaProblems } from './schema';
import { workloadSettings } from './settings-from-config';

const repositoryRoot = resolve(__dirname, '../../..');

/**
 * Reads Pulumi.<stack>.yaml as the engine hands it to the program (project defaults merged), then through
 * the program's own config validation. A stack file's secure values would stop it: the workload needs none.
 */
function stackConfigOf(stack: string): StackConfig {
  startLikeTheEngine(repositoryRoot, stack);
  // The plain YAML never runs behind the stack's CDN, so what the CDN needs (a domain) is not asked for.
  pulumi.runtime.setConfig('polls:cdn', 'false');
  return loadStackConfig();
}

function main(): void {
  const { values } = parseArgs({
    options: { stack: { type: 'string' }, image: { type: 'string' }, out: { type: 'string' } },
  });
  if (!values.stack) throw new Error('--stack is required (dev or prod)');
  const config = stackConfigOf(values.stack);
  const image = values.image ?? config.image;
  if (!image) throw new Error(`polls:image is not set in Pulumi.${values.stack}.yaml: pass --image REF`);
  // The plain YAML runs behind the cluster's own ingress, never behind this stack's CDN (which prod's file
  // turns on): trusting a second X-Forwarded-For hop would let clients choose the address the service sees.
  const settings = workloadSettings(config, image, false);
  const objects = workload(settings, secretPlaceholders);
  const problems = [
    ...schemaProblems(workloadObjects(objects)),
    ...semanticProblems(workloadObjects(objects)),
  ];
  if (problems.length > 0) throw new Error(`the manifests are not valid:\n${problems.join('\n')}`);
  const secretVariables = Object.values(secretPlaceholders).join(' ');
  const out = resolve(values.out ?? join('dist', 'k8s', values.stack));
  mkdirSync(out, { recursive: true });
  for (const [name, text] of renderFiles(objects)) writeFileSync(join(out, name), text);
  console.log(`wrote ${out}
apply with:
  kubectl apply -f ${join(out, '00-namespace.yaml')}
  POLLS_DATABASE_URL=… POLLS_SESSION_KEYS=… envsubst '${secretVariables}' < ${join(out, secretTemplateFile)} | kubectl apply -f -
  kubectl apply -f ${join(out, '10-network-policies.yaml')} -f ${join(out, '20-migration-job.yaml')}
  kubectl -n ${settings.namespace} wait --for=condition=complete --timeout=15m job/${migrationJobName(settings)}
  kubectl apply -f ${out}`);
}

try {
  main();
} catch (error) {
  console.error(`render:k8s: ${(error as Error).message}`);
  process.exitCode = 1;
}
