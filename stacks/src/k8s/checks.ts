import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { IIngress, INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IContainer, IPodTemplateSpec, ISecret, IService } from 'kubernetes-models/v1';
import type { IIntOrString } from '@kubernetes-models/apimachinery/util/intstr/IntOrString';
import { drainSeconds, healthPaths } from '../service-contract';

/** Any Kubernetes object as it comes from YAML or from Pulumi's recorded inputs. */
export interface LooseObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

type Labels = Record<string, string> | undefined;

function is<T>(apiVersion: string, kind: string) {
  return (object: LooseObject): object is LooseObject & T =>
    object.apiVersion === apiVersion && object.kind === kind;
}
const isDeployment = is<IDeployment>('apps/v1', 'Deployment');
const isJob = is<IJob>('batch/v1', 'Job');
const isService = is<IService>('v1', 'Service');
const isSecret = is<ISecret>('v1', 'Secret');
const isAutoscaler = is<IHorizontalPodAutoscaler>('autoscaling/v2', 'HorizontalPodAutoscaler');
const isDisruptionBudget = is<IPodDisruptionBudget>('policy/v1', 'PodDisruptionBudget');
const isIngress = is<IIngress>('networking.k8s.io/v1', 'Ingress');
const isNetworkPolicy = is<INetworkPolicy>('networking.k8s.io/v1', 'NetworkPolicy');

function describe(object: LooseObject): string {
  return `${object.kind} ${object.metadata?.namespace ?? '-'}/${object.metadata?.name ?? '?'}`;
}

/** True when every selector label is on the pod (an empty selector matches everything). */
function selects(selector: Labels, podLabels: Labels): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => podLabels?.[key] === value);
}

function resolvesToContainerPort(port: IIntOrString | undefined, containers: IContainer[]): boolean {
  return containers.some((container) =>
    (container.ports ?? []).some((declared) =>
      typeof port === 'number' ? declared.containerPort === port : declared.name === port,
    ),
  );
}

interface PodTemplateOwner {
  owner: string;
  template: IPodTemplateSpec;
}

function podTemplates(objects: LooseObject[]): PodTemplateOwner[] {
  return objects.flatMap((object) =>
    (isDeployment(object) || isJob(object)) && object.spec
      ? [{ owner: describe(object), template: object.spec.template }]
      : [],
  );
}

function checkPodTemplate(
  { owner, template }: PodTemplateOwner,
  secrets: Array<LooseObject & ISecret>,
): string[] {
  const problems: string[] = [];
  const spec = template.spec;
  if (!spec) return [`${owner}: pod template has no spec`];
  const pod = spec.securityContext;
  if (pod?.runAsNonRoot !== true) problems.push(`${owner}: pods must set runAsNonRoot`);
  if (pod?.seccompProfile?.type !== 'RuntimeDefault')
    problems.push(`${owner}: pods must use the RuntimeDefault seccomp profile`);
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    const where = `${owner} container ${container.name}`;
    const security = container.securityContext;
    if (security?.readOnlyRootFilesystem !== true)
      problems.push(`${where}: root filesystem must be read-only`);
    if (security?.allowPrivilegeEscalation !== false)
      problems.push(`${where}: privilege escalation must be off`);
    if (!security?.capabilities?.drop?.includes('ALL')) problems.push(`${where}: must drop all capabilities`);
    if (!container.volumeMounts?.some((mount) => mount.mountPath === '/tmp'))
      problems.push(`${where}: needs a writable /tmp`);
    for (const resource of ['cpu', 'memory']) {
      if (!container.resources?.requests?.[resource]) problems.push(`${where}: no ${resource} request`);
      if (!container.resources?.limits?.[resource]) problems.push(`${where}: no ${resource} limit`);
    }
    for (const variable of container.env ?? []) {
      const reference = variable.valueFrom?.secretKeyRef;
      if (!reference) continue;
      const secret = secrets.find((candidate) => candidate.metadata?.name === reference.name);
      const keys = Object.keys({ ...secret?.data, ...secret?.stringData });
      if (!secret || !keys.includes(reference.key)) {
        problems.push(
          `${where}: ${variable.name} refers to missing secret key ${reference.name}/${reference.key}`,
        );
      }
    }
  }
  return problems;
}

function checkDeployment(
  deployment: LooseObject & IDeployment,
  autoscalers: IHorizontalPodAutoscaler[],
): string[] {
  const owner = describe(deployment);
  const spec = deployment.spec;
  if (!spec) return [`${owner}: no spec`];
  const problems: string[] = [];
  const podLabels = spec.template.metadata?.labels;
  if (!spec.selector.matchLabels || !selects(spec.selector.matchLabels, podLabels)) {
    problems.push(`${owner}: selector does not match its pod labels`);
  }
  if (spec.strategy?.rollingUpdate?.maxUnavailable !== 0)
    problems.push(`${owner}: a rollout may drop below the desired count`);
  const scaled = autoscalers.some((hpa) => hpa.spec?.scaleTargetRef.name === deployment.metadata?.name);
  if (scaled && spec.replicas !== undefined)
    problems.push(`${owner}: sets replicas although an HPA owns the count`);
  const podSpec = spec.template.spec;
  const grace = podSpec?.terminationGracePeriodSeconds ?? 30;
  for (const container of podSpec?.containers ?? []) {
    const where = `${owner} container ${container.name}`;
    const probes = {
      readiness: container.readinessProbe,
      liveness: container.livenessProbe,
      startup: container.startupProbe,
    };
    for (const [kind, probe] of Object.entries(probes)) {
      if (!probe?.httpGet) problems.push(`${where}: no HTTP ${kind} probe`);
      else if (!resolvesToContainerPort(probe.httpGet.port, podSpec?.containers ?? [])) {
        problems.push(`${where}: ${kind} probe port ${probe.httpGet.port} is not a container port`);
      }
    }
    if (container.readinessProbe?.httpGet?.path !== healthPaths.readiness)
      problems.push(`${where}: readiness must use ${healthPaths.readiness}`);
    if (container.livenessProbe?.httpGet?.path !== healthPaths.liveness)
      problems.push(`${where}: liveness must use ${healthPaths.liveness}`);
    const pause = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
    if (grace <= pause + drainSeconds) {
      problems.push(
        `${where}: grace period ${grace}s is not longer than the ${pause}s pause plus the ${drainSeconds}s drain`,
      );
    }
  }
  return problems;
}

function checkService(
  service: LooseObject & IService,
  deployments: Array<LooseObject & IDeployment>,
  jobs: IJob[],
): string[] {
  const owner = describe(service);
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [`${owner}: has no selector`];
  const problems: string[] = [];
  const targets = deployments.filter((deployment) =>
    selects(selector, deployment.spec?.template.metadata?.labels),
  );
  if (targets.length === 0) problems.push(`${owner}: selector matches no Deployment's pods`);
  if (jobs.some((job) => selects(selector, job.spec?.template.metadata?.labels)))
    problems.push(`${owner}: selector also matches migration pods`);
  for (const port of service.spec?.ports ?? []) {
    const target = port.targetPort ?? port.port;
    for (const deployment of targets) {
      if (!resolvesToContainerPort(target, deployment.spec?.template.spec?.containers ?? [])) {
        problems.push(`${owner}: targetPort ${target} is not a container port of ${describe(deployment)}`);
      }
    }
  }
  return problems;
}

function checkAutoscaler(
  hpa: LooseObject & IHorizontalPodAutoscaler,
  deployments: Array<LooseObject & IDeployment>,
): string[] {
  const owner = describe(hpa);
  const spec = hpa.spec;
  if (!spec) return [`${owner}: no spec`];
  const problems: string[] = [];
  const target = deployments.find(
    (deployment) =>
      spec.scaleTargetRef.kind === 'Deployment' &&
      spec.scaleTargetRef.apiVersion === 'apps/v1' &&
      deployment.metadata?.name === spec.scaleTargetRef.name &&
      deployment.metadata?.namespace === hpa.metadata?.namespace,
  );
  if (!target)
    problems.push(
      `${owner}: scale target ${spec.scaleTargetRef.kind}/${spec.scaleTargetRef.name} does not exist`,
    );
  if ((spec.minReplicas ?? 1) < 1 || (spec.minReplicas ?? 1) > spec.maxReplicas)
    problems.push(`${owner}: needs 1 <= minReplicas <= maxReplicas`);
  const cpuMetric = spec.metrics?.some(
    (metric) => metric.type === 'Resource' && metric.resource?.name === 'cpu',
  );
  if (!cpuMetric) problems.push(`${owner}: has no CPU metric`);
  const withoutRequest =
    target?.spec?.template.spec?.containers.filter((container) => !container.resources?.requests?.cpu) ?? [];
  if (cpuMetric && withoutRequest.length > 0)
    problems.push(`${owner}: CPU utilization needs CPU requests on every container`);
  return problems;
}

function checkDisruptionBudget(
  pdb: LooseObject & IPodDisruptionBudget,
  deployments: Array<LooseObject & IDeployment>,
): string[] {
  const owner = describe(pdb);
  const selector = pdb.spec?.selector?.matchLabels;
  const covered = deployments.some(
    (deployment) => selector && selects(selector, deployment.spec?.template.metadata?.labels),
  );
  const problems = covered ? [] : [`${owner}: selector matches no Deployment's pods`];
  if (pdb.spec?.maxUnavailable === 0) problems.push(`${owner}: maxUnavailable 0 blocks every node drain`);
  return problems;
}

function checkIngress(ingress: LooseObject & IIngress, services: Array<LooseObject & IService>): string[] {
  const owner = describe(ingress);
  const problems: string[] = [];
  if (!ingress.spec?.ingressClassName) problems.push(`${owner}: no ingressClassName`);
  const backends = (ingress.spec?.rules ?? [])
    .flatMap((rule) => rule.http?.paths ?? [])
    .map((path) => path.backend.service);
  if (backends.length === 0) problems.push(`${owner}: routes nothing`);
  for (const backend of backends) {
    const service = services.find(
      (candidate) =>
        candidate.metadata?.name === backend?.name &&
        candidate.metadata?.namespace === ingress.metadata?.namespace,
    );
    const port = backend?.port;
    const exists = service?.spec?.ports?.some((declared) =>
      port?.name ? declared.name === port.name : declared.port === port?.number,
    );
    if (!exists)
      problems.push(`${owner}: backend ${backend?.name}:${port?.name ?? port?.number} is not a Service port`);
  }
  const hosts = (ingress.spec?.rules ?? []).map((rule) => rule.host).filter(Boolean);
  for (const tls of ingress.spec?.tls ?? []) {
    if (!tls.secretName) problems.push(`${owner}: TLS entry without a secret`);
    if (!(tls.hosts ?? []).every((host) => hosts.includes(host)))
      problems.push(`${owner}: TLS host without a rule`);
  }
  return problems;
}

function checkNetworkPolicies(
  policies: Array<LooseObject & INetworkPolicy>,
  pods: PodTemplateOwner[],
): string[] {
  const problems: string[] = [];
  const denies = policies.some(
    (policy) =>
      Object.keys(policy.spec?.podSelector.matchLabels ?? {}).length === 0 &&
      (['Ingress', 'Egress'] as const).every((type) => policy.spec?.policyTypes?.includes(type)) &&
      !policy.spec?.ingress?.length &&
      !policy.spec?.egress?.length,
  );
  if (pods.length > 0 && !denies)
    problems.push('NetworkPolicy: no default-deny policy for the workload namespace');
  for (const policy of policies) {
    const selector = policy.spec?.podSelector.matchLabels;
    if (!pods.some((pod) => selects(selector, pod.template.metadata?.labels))) {
      problems.push(`${describe(policy)}: selects no pod of the workload`);
    }
    for (const rule of policy.spec?.ingress ?? []) {
      const selected = pods.filter((pod) => selects(selector, pod.template.metadata?.labels));
      for (const port of rule.ports ?? []) {
        if (
          !selected.every((pod) => resolvesToContainerPort(port.port, pod.template.spec?.containers ?? []))
        ) {
          problems.push(
            `${describe(policy)}: allows port ${port.port}, which the selected pods do not serve`,
          );
        }
      }
      if (!rule.from?.length)
        problems.push(`${describe(policy)}: an ingress rule without sources allows everyone`);
    }
  }
  return problems;
}

/**
 * Cross-object checks that a schema cannot make: selectors that match their pods, ports that exist, an HPA
 * that targets the Deployment, probes and security settings on every container. Returns one line per problem.
 */
export function semanticProblems(objects: LooseObject[]): string[] {
  const deployments = objects.filter(isDeployment);
  const jobs = objects.filter(isJob);
  const services = objects.filter(isService);
  const secrets = objects.filter(isSecret);
  const autoscalers = objects.filter(isAutoscaler);
  const pods = podTemplates(objects);
  return [
    ...pods.flatMap((pod) => checkPodTemplate(pod, secrets)),
    ...deployments.flatMap((deployment) => checkDeployment(deployment, autoscalers)),
    ...services.flatMap((service) => checkService(service, deployments, jobs)),
    ...autoscalers.flatMap((hpa) => checkAutoscaler(hpa, deployments)),
    ...objects.filter(isDisruptionBudget).flatMap((pdb) => checkDisruptionBudget(pdb, deployments)),
    ...objects.filter(isIngress).flatMap((ingress) => checkIngress(ingress, services)),
    ...checkNetworkPolicies(objects.filter(isNetworkPolicy), pods),
  ];
}
