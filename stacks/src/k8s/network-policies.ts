import type { INetworkPolicy, INetworkPolicySpec } from 'kubernetes-models/networking.k8s.io/v1';
import { CONTAINER_PORT, METRICS_PORT } from '../service-contract';
import { commonLabels, selectorLabels, type WorkloadSettings } from './settings';

/** Pods of the workload (server and migration Job), whatever their component. */
function workloadPods(settings: WorkloadSettings): Record<string, string> {
  return {
    'app.kubernetes.io/name': settings.appName,
    'app.kubernetes.io/instance': settings.instance,
  };
}

function policy(settings: WorkloadSettings, suffix: string, spec: INetworkPolicySpec): INetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: `${settings.appName}-${suffix}`,
      namespace: settings.namespace,
      labels: commonLabels(settings),
    },
    spec,
  };
}

/**
 * Default deny in the namespace, then four openings: the ingress controller to the web pods' port, the nodes
 * (the metrics scrapers on the host network) to their metrics port, the workload's pods to cluster DNS, and
 * to the database port. The VPC CNI's network policy agent enforces them.
 */
export function networkPolicies(settings: WorkloadSettings): INetworkPolicy[] {
  const controller = settings.ingressController;
  return [
    policy(settings, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy(settings, 'from-ingress-controller', {
      podSelector: { matchLabels: selectorLabels(settings, 'web') },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': controller.namespace } },
              podSelector: { matchLabels: controller.podLabels },
            },
          ],
          ports: [{ protocol: 'TCP', port: CONTAINER_PORT }],
        },
      ],
    }),
    policy(settings, 'from-metrics-scrapers', {
      podSelector: { matchLabels: selectorLabels(settings, 'web') },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: settings.nodeCidrs.map((cidr) => ({ ipBlock: { cidr } })),
          ports: [{ protocol: 'TCP', port: METRICS_PORT }],
        },
      ],
    }),
    policy(settings, 'to-dns', {
      podSelector: { matchLabels: workloadPods(settings) },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
    policy(settings, 'to-database', {
      podSelector: { matchLabels: workloadPods(settings) },
      policyTypes: ['Egress'],
      egress: [
        {
          to: settings.databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })),
          ports: [{ protocol: 'TCP', port: settings.databasePort }],
        },
      ],
    }),
  ];
}
