import type { StackConfig } from '../config';
import { connectionBudget } from '../database-connections';
import { trustedProxyHops } from '../service-contract';
import type { IngressControllerSelector, WorkloadSettings } from './settings';

/** The controller the workload is exposed through; the EKS platform installs it with these names. */
export const ingressController: IngressControllerSelector = {
  className: 'nginx',
  namespace: 'nginx-ingress',
  // The chart's selector labels: its name and the Helm release name (fixed, see eks/ingress-controller.ts).
  podLabels: { 'app.kubernetes.io/name': 'nginx-ingress', 'app.kubernetes.io/instance': 'nginx-ingress' },
};

/** The cert-manager ClusterIssuer the EKS platform creates for `domain`. */
export const clusterIssuerName = 'letsencrypt';

/** The config keys the workload's settings come from. */
export const workloadConfigKeys = [
  'project',
  'stack',
  'minReplicas',
  'maxReplicas',
  'targetCpuUtilization',
  'domain',
  'vpcCidr',
  'dbInstanceClass',
] as const satisfies readonly (keyof StackConfig)[];
export type WorkloadConfig = Pick<StackConfig, (typeof workloadConfigKeys)[number]>;

/**
 * The workload's settings for a stack. `verify-full`: the image carries Amazon RDS's CAs
 * (service/src/db/database-certificates.ts), so the database's certificate and host name are checked.
 */
export function workloadSettings(
  config: WorkloadConfig,
  image: string,
  /** Every request comes through the CDN (the origin is locked): the service trusts one more proxy hop. */
  throughCdn: boolean,
): WorkloadSettings {
  return {
    appName: config.project,
    namespace: config.project,
    instance: config.stack,
    image,
    minReplicas: config.minReplicas,
    maxReplicas: config.maxReplicas,
    targetCpuUtilization: config.targetCpuUtilization,
    ...(config.domain !== undefined && { domain: config.domain }),
    clusterIssuer: clusterIssuerName,
    logLevel: 'info',
    trustedProxyHops: trustedProxyHops(throughCdn),
    databasePoolMax: connectionBudget({ ...config, platform: 'eks' }).poolSize,
    databaseCidrs: [config.vpcCidr],
    databasePort: 5432,
    nodeCidrs: [config.vpcCidr],
    ingressController,
  };
}
