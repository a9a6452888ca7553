import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ingressController } from '../k8s/settings-from-config';
import { childrenMovedInto } from '../moved-children';
import { streamConnectionLimitEntries } from './stream-connection-limit';

/**
 * F5 NGINX's maintained controller (the community ingress-nginx is retired). Chart 2.6.4 is controller 5.5.4,
 * tagged v5.5.4 on 2026-07-16 (github.com/nginx/kubernetes-ingress, charts/nginx-ingress/Chart.yaml at that
 * tag); 5.5 is the first release whose chart has `controller.allowEmptyIngressHost`.
 */
export const ingressControllerChart = {
  chart: 'nginx-ingress',
  version: '2.6.4',
  repo: 'https://helm.nginx.com/stable',
} as const;

/** The release name is fixed: the chart derives the controller pods' labels (and NetworkPolicy sources) from it. */
export const ingressControllerReleaseName = ingressController.podLabels['app.kubernetes.io/instance'];

export const ingressControllerReplicas = 2;

/**
 * Values for the chart; exported so tests read the same object the Release gets. `originCheck` enables
 * snippets ("Advanced configuration with Snippets", F5 NGINX Ingress Controller docs: off by default), which
 * only the workload's Ingress uses, for the CDN's origin check (k8s/origin-check.ts).
 */
export function ingressControllerValues(options: { originCheck: boolean }): Record<string, unknown> {
  const podLabels = ingressController.podLabels;
  return {
    controller: {
      kind: 'deployment',
      replicaCount: ingressControllerReplicas,
      ingressClass: { name: ingressController.className, create: true, setAsDefaultIngress: false },
      // Without a domain the workload's Ingress has no host and answers on the load balancer's name; the
      // controller ignores host-less Ingresses unless this is on (such an Ingress may not have spec.tls).
      allowEmptyIngressHost: true,
      enableSnippets: options.originCheck,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      topologySpreadConstraints: [
        {
          topologyKey: 'topology.kubernetes.io/zone',
          maxSkew: 1,
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: podLabels },
        },
      ],
      readOnlyRootFilesystem: true,
      config: {
        entries: {
          'ssl-protocols': 'TLSv1.2 TLSv1.3',
          'server-tokens': 'False',
          ...streamConnectionLimitEntries(options.originCheck),
        },
      },
      // The controller would otherwise report usage data to F5.
      telemetryReporting: { enable: false },
      service: {
        type: 'LoadBalancer',
        // Local keeps the client's address and skips a second hop between nodes.
        externalTrafficPolicy: 'Local',
        annotations: {
          // A Network Load Balancer passing TCP through: TLS ends at NGINX, which also redirects HTTP.
          'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
          'service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled': 'true',
        },
      },
    },
  };
}

export interface IngressControllerArgs {
  provider: k8s.Provider;
  /**
   * Must hold the node group and the network: then `pulumi destroy` uninstalls the release (and so deletes
   * the load balancer) before it removes the nodes, subnets and gateways the load balancer is attached to.
   */
  after: pulumi.Resource[];
  /** Behind a CDN: snippets on, for the workload's origin check. */
  originCheck: boolean;
}

/**
 * The controller, `ingressControllerReplicas` pods behind an AWS NLB. Its release was once created directly
 * under the platform; the alias keeps it.
 */
export class IngressController extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: IngressControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:eks:IngressController', name, {}, opts);
    this.release = new k8s.helm.v3.Release(
      `${name}-nginx-ingress`,
      {
        name: ingressControllerReleaseName,
        namespace: ingressController.namespace,
        createNamespace: true,
        chart: ingressControllerChart.chart,
        version: ingressControllerChart.version,
        repositoryOpts: { repo: ingressControllerChart.repo },
        values: ingressControllerValues({ originCheck: args.originCheck }),
        atomic: true,
        timeout: 600,
      },
      { ...childrenMovedInto(this, opts), provider: args.provider, dependsOn: args.after },
    );
    this.registerOutputs({ releaseName: this.release.name });
  }
}
