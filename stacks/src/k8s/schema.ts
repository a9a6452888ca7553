import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { LooseObject } from './checks';

/**
 * The OpenAPI schemas of kubernetes-models 4.5 (Kubernetes 1.33: it has 1.33's Lifecycle.stopSignal and not
 * 1.34's PodSpec.hostnameOverride). Every API used here is GA and unchanged from 1.30 on, the oldest
 * version the preStop `sleep` action needs. The schemas do not reject unknown fields; the TypeScript types
 * of the object builders do.
 */
const models: Record<string, { new (data: never): { validate(): void } }> = {
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

export const schemaKubernetesVersion = '1.33';

/** Validates each object against its Kubernetes schema; returns one line per object that fails. */
export function schemaProblems(objects: LooseObject[]): string[] {
  return objects.flatMap((object) => {
    const name = `${object.kind} ${object.metadata?.namespace ?? '-'}/${object.metadata?.name ?? '?'}`;
    const Model = models[`${object.apiVersion}/${object.kind}`];
    if (!Model) return [`${name}: no schema for ${object.apiVersion} ${object.kind}`];
    try {
      new Model(object as never).validate();
      return [];
    } catch (error) {
      return [`${name}: ${(error as Error).message}`];
    }
  });
}
