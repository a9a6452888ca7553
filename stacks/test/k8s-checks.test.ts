import assert from 'node:assert/strict';
import { semanticProblems, type LooseObject } from '../src/k8s/checks';
import { schemaProblems } from '../src/k8s/schema';
import { objectsFor } from './k8s-fixtures';

/** Loose access for mutating plain JSON objects in these tests. */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function find(objects: LooseObject[], kind: string, name?: string): Json {
  const found = objects.find((object) => object.kind === kind && (!name || object.metadata?.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''}`);
  return found as Json;
}

const webContainer = (objects: LooseObject[]): Json =>
  find(objects, 'Deployment').spec.template.spec.containers[0];

const brokenWorkloads: Array<[string, (objects: LooseObject[]) => void, RegExp]> = [
  [
    'an HPA aimed at another Deployment',
    (o) => (find(o, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name = 'web'),
    /scale target Deployment\/web does not exist/,
  ],
  [
    'an HPA with min above max',
    (o) => (find(o, 'HorizontalPodAutoscaler').spec.minReplicas = 9),
    /minReplicas <= maxReplicas/,
  ],
  [
    'a Deployment whose selector misses its pods',
    (o) => (find(o, 'Deployment').spec.selector.matchLabels.tier = 'x'),
    /selector does not match its pod labels/,
  ],
  [
    'a Deployment that sets replicas under an HPA',
    (o) => (find(o, 'Deployment').spec.replicas = 2),
    /replicas although an HPA owns the count/,
  ],
  [
    'a rollout that may take pods away first',
    (o) => (find(o, 'Deployment').spec.strategy.rollingUpdate.maxUnavailable = 1),
    /drop below the desired count/,
  ],
  [
    'a Service port aimed at no container port',
    (o) => (find(o, 'Service').spec.ports[0].targetPort = 8080),
    /targetPort 8080 is not a container port/,
  ],
  [
    'a Service that also selects migration pods',
    (o) => delete find(o, 'Service').spec.selector['app.kubernetes.io/component'],
    /also matches migration pods/,
  ],
  [
    'a Service that selects nothing',
    (o) => (find(o, 'Service').spec.selector['app.kubernetes.io/name'] = 'other'),
    /matches no Deployment's pods/,
  ],
  ['no readiness probe', (o) => delete webContainer(o).readinessProbe, /no HTTP readiness probe/],
  [
    'a liveness probe on a port the container lacks',
    (o) => (webContainer(o).livenessProbe.httpGet.port = 'admin'),
    /liveness probe port admin is not a container port/,
  ],
  [
    'a readiness probe on the liveness path',
    (o) => (webContainer(o).readinessProbe.httpGet.path = '/healthz'),
    /readiness must use \/readyz/,
  ],
  [
    'a container without a memory limit',
    (o) => delete webContainer(o).resources.limits.memory,
    /no memory limit/,
  ],
  [
    'a writable root filesystem',
    (o) => (webContainer(o).securityContext.readOnlyRootFilesystem = false),
    /root filesystem must be read-only/,
  ],
  [
    'a pod that may run as root',
    (o) => delete find(o, 'Job').spec.template.spec.securityContext.runAsNonRoot,
    /runAsNonRoot/,
  ],
  [
    'a grace period shorter than pause plus drain',
    (o) => (find(o, 'Deployment').spec.template.spec.terminationGracePeriodSeconds = 12),
    /grace period 12s is not longer/,
  ],
  [
    'an environment variable from a missing secret key',
    (o) =>
      (webContainer(o).env.find((v: Json) => v.name === 'DATABASE_URL').valueFrom.secretKeyRef.key = 'URL'),
    /missing secret key polls-app\/URL/,
  ],
  [
    'a PodDisruptionBudget that covers no pods',
    (o) => (find(o, 'PodDisruptionBudget').spec.selector.matchLabels['app.kubernetes.io/component'] = 'api'),
    /PodDisruptionBudget .* matches no Deployment's pods/,
  ],
  [
    'an Ingress backend on a port the Service lacks',
    (o) => (find(o, 'Ingress').spec.rules[0].http.paths[0].backend.service.port.name = 'web'),
    /backend polls:web is not a Service port/,
  ],
  [
    'an Ingress with TLS for another host',
    (o) => (find(o, 'Ingress').spec.tls[0].hosts = ['other.example.com']),
    /TLS host without a rule/,
  ],
  [
    'no default-deny NetworkPolicy',
    (o) => o.splice(o.indexOf(find(o, 'NetworkPolicy', 'polls-default-deny') as LooseObject), 1),
    /no default-deny policy/,
  ],
  [
    'a NetworkPolicy opening a port nobody serves',
    (o) => (find(o, 'NetworkPolicy', 'polls-from-ingress-controller').spec.ingress[0].ports[0].port = 8080),
    /allows port 8080/,
  ],
];

describe('k8s semantic checks', () => {
  for (const [label, breakIt, expected] of brokenWorkloads) {
    it(`reject ${label}`, () => {
      const objects = objectsFor();
      breakIt(objects);
      const problems = semanticProblems(objects);
      assert.ok(
        problems.some((problem) => expected.test(problem)),
        `expected ${expected}, got ${JSON.stringify(problems)}`,
      );
    });
  }
});

describe('k8s schema validation', () => {
  it('rejects a field of the wrong type', () => {
    const objects = objectsFor();
    webContainer(objects).ports[0].containerPort = '3000';
    assert.match(
      schemaProblems(objects).join('\n'),
      /Deployment polls\/polls-web: .*containerPort must be integer/,
    );
  });

  it('rejects an API version the schemas do not know', () => {
    const objects = objectsFor();
    find(objects, 'HorizontalPodAutoscaler').apiVersion = 'autoscaling/v2beta1';
    assert.match(
      schemaProblems(objects).join('\n'),
      /no schema for autoscaling\/v2beta1 HorizontalPodAutoscaler/,
    );
  });
});
