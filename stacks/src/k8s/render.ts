import { stringify } from 'yaml';
import { secretEnvironment, type SecretValues } from '../service-contract';
import type { Workload } from './manifests';

/**
 * The renderer never sees a secret: the Secret is written as a template whose values are `${POLLS_…}`
 * placeholders, filled from the environment at apply time (`envsubst < secret.yaml.template | kubectl apply -f -`).
 * The `.template` suffix keeps `kubectl apply -f <dir>` from applying it unfilled.
 */
export const secretPlaceholders: SecretValues<string> = {
  databaseUrl: `\${POLLS_${secretEnvironment.databaseUrl}}`,
  sessionKeys: `\${POLLS_${secretEnvironment.sessionKeys}}`,
};

export const secretTemplateFile = 'secret.yaml.template';

// Shared label objects would otherwise come out as YAML anchors and aliases.
const yamlOptions = { lineWidth: 0, aliasDuplicateObjects: false } as const;

function documents(objects: object[]): string {
  return objects.map((object) => stringify(object, yamlOptions)).join('---\n');
}

/** File name → YAML text. Numbered so `kubectl apply -f <dir>` creates the namespace first. */
export function renderFiles(objects: Workload<string>): Map<string, string> {
  return new Map([
    ['00-namespace.yaml', documents([objects.namespace])],
    // Double quotes: a filled-in value stays one YAML string whatever characters it holds (except `"` and `\`).
    [
      secretTemplateFile,
      stringify(objects.secret, {
        ...yamlOptions,
        defaultStringType: 'QUOTE_DOUBLE',
        defaultKeyType: 'PLAIN',
      }),
    ],
    ['10-network-policies.yaml', documents(objects.networkPolicies)],
    ['20-migration-job.yaml', documents([objects.migrationJob])],
    [
      '30-web.yaml',
      documents([
        objects.deployment,
        objects.service,
        objects.horizontalPodAutoscaler,
        objects.podDisruptionBudget,
      ]),
    ],
    ['40-ingress.yaml', documents([objects.ingress])],
  ]);
}
