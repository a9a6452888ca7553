import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IProbe } from 'kubernetes-models/v1';
import {
  CONTAINER_PORT,
  healthPaths,
  METRICS_PORT,
  serveCommand,
  stopTimeoutSeconds,
} from '../service-contract';
import { serviceContainer, servicePodSpec } from './pod';
import { serverResources } from './resources';
import { componentLabels, selectorLabels, type WorkloadSettings } from './settings';

export const httpPortName = 'http';

/** Time for the endpoint removal to reach every NGINX replica before the process sees SIGTERM. */
export const preStopPauseSeconds = 5;

/** The kubelet kills the pod after this: the pause, the service's own drain, and a margin for exit. */
export const terminationGracePeriodSeconds = stopTimeoutSeconds(preStopPauseSeconds);

function httpProbe(path: string, probe: IProbe): IProbe {
  return { httpGet: { path, port: httpPortName }, timeoutSeconds: 2, ...probe };
}

export function deploymentName(settings: WorkloadSettings): string {
  return `${settings.appName}-web`;
}

/**
 * The web server. No `replicas` field: the HPA owns the count, and re-applying a fixed number on every deploy
 * would scale the service down under load.
 */
export function deployment(settings: WorkloadSettings): IDeployment {
  const labels = componentLabels(settings, 'web');
  const selector = selectorLabels(settings, 'web');
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: deploymentName(settings), namespace: settings.namespace, labels },
    spec: {
      selector: { matchLabels: selector },
      revisionHistoryLimit: 5,
      // A new pod must be ready before an old one goes: capacity never drops below the desired count.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      template: {
        metadata: { labels },
        spec: servicePodSpec({
          terminationGracePeriodSeconds,
          topologySpreadConstraints: [
            {
              topologyKey: 'topology.kubernetes.io/zone',
              maxSkew: 1,
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
              matchLabelKeys: ['pod-template-hash'],
            },
            {
              topologyKey: 'kubernetes.io/hostname',
              maxSkew: 1,
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
              matchLabelKeys: ['pod-template-hash'],
            },
          ],
          containers: [
            serviceContainer(settings, {
              name: 'web',
              command: [...serveCommand],
              resources: serverResources,
              ports: [
                { name: httpPortName, containerPort: CONTAINER_PORT, protocol: 'TCP' },
                // Internal only: no Service routes it; the CloudWatch agents scrape it (observability/).
                { name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' },
              ],
              // Up to 60 s for the first start before liveness may restart the container.
              startupProbe: httpProbe(healthPaths.liveness, { periodSeconds: 2, failureThreshold: 30 }),
              livenessProbe: httpProbe(healthPaths.liveness, { periodSeconds: 10, failureThreshold: 3 }),
              readinessProbe: httpProbe(healthPaths.readiness, {
                periodSeconds: 5,
                failureThreshold: 2,
              }),
              lifecycle: { preStop: { sleep: { seconds: preStopPauseSeconds } } },
            }),
          ],
        }),
      },
    },
  };
}
