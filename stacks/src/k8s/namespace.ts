import type { INamespace } from 'kubernetes-models/v1';
import { commonLabels, type WorkloadSettings } from './settings';

/** The workload's own namespace; the API server rejects any pod in it that breaks the `restricted` standard. */
export function namespace(settings: WorkloadSettings): INamespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: settings.namespace,
      labels: {
        ...commonLabels(settings),
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  };
}
