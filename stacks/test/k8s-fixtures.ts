import type { LooseObject } from '../src/k8s/checks';
import { workload, workloadObjects, type Workload } from '../src/k8s/manifests';
import { secretPlaceholders } from '../src/k8s/render';
import type { WorkloadSettings } from '../src/k8s/settings';
import { ingressController } from '../src/k8s/settings-from-config';

export function settingsFor(overrides: Partial<WorkloadSettings> = {}): WorkloadSettings {
  return {
    appName: 'polls',
    namespace: 'polls',
    instance: 'test',
    image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/polls:v1.2.3',
    minReplicas: 2,
    maxReplicas: 6,
    targetCpuUtilization: 60,
    domain: 'polls.example.com',
    clusterIssuer: 'letsencrypt',
    logLevel: 'info',
    trustedProxyHops: 1,
    databasePoolMax: 10,
    databaseCidrs: ['10.0.0.0/16'],
    nodeCidrs: ['10.0.0.0/16'],
    databasePort: 5432,
    ingressController,
    ...overrides,
  };
}

export function workloadFor(overrides: Partial<WorkloadSettings> = {}): Workload<string> {
  return workload(settingsFor(overrides), secretPlaceholders);
}

/** The objects as plain JSON, as YAML or Pulumi would hand them over, free to mutate in a test. */
export function objectsFor(overrides: Partial<WorkloadSettings> = {}): LooseObject[] {
  return JSON.parse(JSON.stringify(workloadObjects(workloadFor(overrides)))) as LooseObject[];
}
