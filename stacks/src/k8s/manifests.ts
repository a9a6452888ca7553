import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { IIngress, INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { INamespace, IService } from 'kubernetes-models/v1';
import type { SecretValues } from '../service-contract';
import { deployment } from './deployment';
import { ingress } from './ingress';
import { migrationJob } from './migration-job';
import { namespace } from './namespace';
import { networkPolicies } from './network-policies';
import { horizontalPodAutoscaler, podDisruptionBudget } from './scaling';
import { appSecret, type AppSecret } from './secret';
import { service } from './service';
import type { WorkloadSettings } from './settings';

/** The workload, one field per object, so Pulumi can order them (Job before Deployment, Ingress last). */
export interface Workload<SecretValue> {
  namespace: INamespace;
  secret: AppSecret<SecretValue>;
  networkPolicies: INetworkPolicy[];
  migrationJob: IJob;
  deployment: IDeployment;
  service: IService;
  horizontalPodAutoscaler: IHorizontalPodAutoscaler;
  podDisruptionBudget: IPodDisruptionBudget;
  ingress: IIngress;
}

export function workload<SecretValue>(
  settings: WorkloadSettings,
  secrets: SecretValues<SecretValue>,
): Workload<SecretValue> {
  return {
    namespace: namespace(settings),
    secret: appSecret(settings, secrets),
    networkPolicies: networkPolicies(settings),
    migrationJob: migrationJob(settings),
    deployment: deployment(settings),
    service: service(settings),
    horizontalPodAutoscaler: horizontalPodAutoscaler(settings),
    podDisruptionBudget: podDisruptionBudget(settings),
    ingress: ingress(settings),
  };
}

export type KubernetesObject =
  | INamespace
  | AppSecret<string>
  | INetworkPolicy
  | IJob
  | IDeployment
  | IService
  | IHorizontalPodAutoscaler
  | IPodDisruptionBudget
  | IIngress;

/** Every object in the order `kubectl apply` should create them. */
export function workloadObjects(objects: Workload<string>): KubernetesObject[] {
  return [
    objects.namespace,
    objects.secret,
    ...objects.networkPolicies,
    objects.migrationJob,
    objects.deployment,
    objects.service,
    objects.horizontalPodAutoscaler,
    objects.podDisruptionBudget,
    objects.ingress,
  ];
}
