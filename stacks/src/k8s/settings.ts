/** Everything the workload objects depend on; built once from the stack config (see settings-from-config.ts). */
export interface WorkloadSettings {
  /** Prefix of every object name and the `app.kubernetes.io/name` label. */
  appName: string;
  namespace: string;
  /** The `app.kubernetes.io/instance` label: the Pulumi stack the objects belong to. */
  instance: string;
  image: string;
  minReplicas: number;
  maxReplicas: number;
  targetCpuUtilization: number;
  /** Host name for the Ingress; when set, TLS from cert-manager and an HTTP → HTTPS redirect. */
  domain?: string;
  /** The cert-manager ClusterIssuer that signs the certificate for `domain`. */
  clusterIssuer: string;
  logLevel: string;
  /** Proxies in front of the pods that append to X-Forwarded-For: the controller, and the CDN when there is one. */
  trustedProxyHops: number;
  /** DATABASE_POOL_MAX of the web pods and the migration, sized to the database class (database-connections.ts). */
  databasePoolMax: number;
  /** Where the database lives; the pods may open connections to these ranges on `databasePort` only. */
  databaseCidrs: string[];
  databasePort: number;
  /**
   * Where the nodes' addresses are: the CloudWatch agents scrape the metrics port from the host network
   * (eks/container-insights.ts), so their requests come from node addresses. Pods get addresses of the same
   * VPC (VPC CNI), so any pod may read the metrics port too; the metrics hold nothing secret.
   */
  nodeCidrs: string[];
  ingressController: IngressControllerSelector;
}

/** How the workload recognises the ingress controller's pods (allowed in by a NetworkPolicy). */
export interface IngressControllerSelector {
  className: string;
  namespace: string;
  podLabels: Record<string, string>;
}

export type Component = 'web' | 'migrate';

/** Labels shared by every object of the workload. */
export function commonLabels(settings: WorkloadSettings): Record<string, string> {
  return {
    'app.kubernetes.io/name': settings.appName,
    'app.kubernetes.io/instance': settings.instance,
    'app.kubernetes.io/part-of': settings.appName,
  };
}

/** Labels that select the pods of one component; the web Service must never select migration pods. */
export function selectorLabels(settings: WorkloadSettings, component: Component): Record<string, string> {
  return {
    'app.kubernetes.io/name': settings.appName,
    'app.kubernetes.io/instance': settings.instance,
    'app.kubernetes.io/component': component,
  };
}

export function componentLabels(settings: WorkloadSettings, component: Component): Record<string, string> {
  return { ...commonLabels(settings), ...selectorLabels(settings, component) };
}
