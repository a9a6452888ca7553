import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { deploymentName } from './deployment';
import { componentLabels, selectorLabels, type WorkloadSettings } from './settings';

/** Scales the web Deployment on CPU (a percentage of the pods' CPU request); needs metrics-server. */
export function horizontalPodAutoscaler(settings: WorkloadSettings): IHorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: deploymentName(settings),
      namespace: settings.namespace,
      labels: componentLabels(settings, 'web'),
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentName(settings) },
      minReplicas: settings.minReplicas,
      maxReplicas: settings.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: settings.targetCpuUtilization },
          },
        },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  };
}

/** Node drains and upgrades evict one web pod at a time; pods that are not ready may always be evicted. */
export function podDisruptionBudget(settings: WorkloadSettings): IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name: deploymentName(settings),
      namespace: settings.namespace,
      labels: componentLabels(settings, 'web'),
    },
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels(settings, 'web') },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
