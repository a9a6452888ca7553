import type { IService } from 'kubernetes-models/v1';
import { httpPortName } from './deployment';
import { componentLabels, selectorLabels, type WorkloadSettings } from './settings';

/** The port of the ClusterIP Service; the Ingress names the port, so only this file knows the number. */
export const clusterServicePort = 80;

export function serviceName(settings: WorkloadSettings): string {
  return settings.appName;
}

/** Cluster-internal address of the web pods; only the ingress controller reaches it (see network policies). */
export function service(settings: WorkloadSettings): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: serviceName(settings),
      namespace: settings.namespace,
      labels: componentLabels(settings, 'web'),
    },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(settings, 'web'),
      ports: [{ name: httpPortName, port: clusterServicePort, targetPort: httpPortName, protocol: 'TCP' }],
    },
  };
}
