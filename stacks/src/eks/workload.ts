import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1';
import type { OriginLock } from '../cdn/origin-secret';
import { originCheckSnippet } from '../k8s/origin-check';
import type { SecretValues } from '../service-contract';
import { workload } from '../k8s/manifests';
import type { WorkloadSettings } from '../k8s/settings';

/**
 * kubernetes-models and @pulumi/kubernetes type the same JSON but disagree on details (a quantity may be a
 * number in one, a spec is optional in one): the objects cross over once, here. Their shape is checked
 * against the Kubernetes schemas by the tests, on the very inputs Pulumi records.
 */
function asResourceArgs<Args>(object: object): Args {
  return object as Args;
}

export interface ServiceWorkloadArgs {
  settings: WorkloadSettings;
  /** Pulumi secrets; they reach the cluster only inside the Kubernetes Secret. */
  secrets: SecretValues<pulumi.Output<string>>;
  provider: k8s.Provider;
  /** The controller release: the Ingress is rejected until the controller's admission is up. */
  ingressController: pulumi.Resource;
  /** Anything else the Ingress needs first (the cert-manager ClusterIssuer when there is a domain). */
  ingressDependencies: pulumi.Resource[];
  /** Anything the pods need first (nodes, DNS, database access). */
  podDependencies: pulumi.Resource[];
  /** Behind a CDN: NGINX admits only requests carrying the origin secret. */
  originLock?: OriginLock;
}

/**
 * The Ingress as Pulumi creates it: behind a CDN, with the origin check as a server snippet. The snippet holds
 * the secret, so it is added here, as a Pulumi secret, and never by the renderer (render:k8s has no CDN).
 */
function ingressArgs(ingress: IIngress, lock: OriginLock | undefined): k8s.networking.v1.IngressArgs {
  if (!lock) return ingress;
  const snippet = pulumi
    .all(lock.acceptedValues)
    .apply((values) => originCheckSnippet(lock.headerName, values));
  return {
    ...ingress,
    metadata: {
      ...ingress.metadata,
      annotations: { ...ingress.metadata?.annotations, 'nginx.org/server-snippets': pulumi.secret(snippet) },
    },
  };
}

/**
 * The service in its namespace, created from the same objects `npm run render:k8s` writes. The order is
 * explicit: namespace → Secret and NetworkPolicies → migration Job (Pulumi waits for it to complete) →
 * Deployment → Service, HPA, PDB → Ingress.
 */
export class ServiceWorkload extends pulumi.ComponentResource {
  /** The load balancer's host name, as the controller reports it on the Ingress. */
  readonly loadBalancerHostname: pulumi.Output<string>;

  constructor(name: string, args: ServiceWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:eks:ServiceWorkload', name, {}, opts);
    const objects = workload(args.settings, args.secrets);
    const within = { parent: this, provider: args.provider };

    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, objects.namespace, within);
    const inNamespace = { ...within, dependsOn: [namespace] };
    const secret = new k8s.core.v1.Secret(`${name}-secret`, objects.secret, inNamespace);
    const policies = objects.networkPolicies.map(
      (policy) =>
        new k8s.networking.v1.NetworkPolicy(`${name}-${policy.metadata?.name}`, policy, inNamespace),
    );
    // A new image gets a new Job name; any other change to the immutable Job is a delete and re-create.
    // A Job that failed (the database unreachable, a migration error) stays failed, and by default the
    // provider only waits on it again at the next `pulumi up`; `pulumi.com/replaceUnready` makes that `up`
    // delete and re-create it, so a retry needs no `kubectl delete job` (pulumi-kubernetes' Job docs).
    const migrationJob = objects.migrationJob;
    const migration = new k8s.batch.v1.Job(
      `${name}-migrate`,
      asResourceArgs<k8s.batch.v1.JobArgs>({
        ...migrationJob,
        metadata: {
          ...migrationJob.metadata,
          annotations: { ...migrationJob.metadata?.annotations, 'pulumi.com/replaceUnready': 'true' },
        },
      }),
      {
        ...within,
        dependsOn: [secret, ...policies, ...args.podDependencies],
        deleteBeforeReplace: true,
      },
    );
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-web`,
      asResourceArgs<k8s.apps.v1.DeploymentArgs>(objects.deployment),
      { ...within, dependsOn: [migration] },
    );
    const service = new k8s.core.v1.Service(`${name}-service`, objects.service, inNamespace);
    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      `${name}-hpa`,
      asResourceArgs<k8s.autoscaling.v2.HorizontalPodAutoscalerArgs>(objects.horizontalPodAutoscaler),
      {
        ...within,
        dependsOn: [deployment],
      },
    );
    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, objects.podDisruptionBudget, inNamespace);
    const ingress = new k8s.networking.v1.Ingress(
      `${name}-ingress`,
      ingressArgs(objects.ingress, args.originLock),
      {
        ...within,
        dependsOn: [args.ingressController, service, deployment, ...args.ingressDependencies],
      },
    );

    this.loadBalancerHostname = ingress.status.loadBalancer.ingress.apply(
      (entries) => entries?.[0]?.hostname ?? '',
    );
    this.registerOutputs({ loadBalancerHostname: this.loadBalancerHostname });
  }
}
