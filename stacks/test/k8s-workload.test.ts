import assert from 'node:assert/strict';
import { semanticProblems } from '../src/k8s/checks';
import { preStopPauseSeconds } from '../src/k8s/deployment';
import { migrationJobName } from '../src/k8s/migration-job';
import { schemaProblems } from '../src/k8s/schema';
import { drainSeconds } from '../src/service-contract';
import { settingsFor, objectsFor, workloadFor } from './k8s-fixtures';

describe('k8s workload objects', () => {
  for (const [label, overrides] of [
    ['with a domain', {}],
    ['without a domain', { domain: undefined }],
  ] as const) {
    it(`pass the Kubernetes schemas and the semantic checks ${label}`, () => {
      const objects = objectsFor(overrides);
      assert.deepEqual(schemaProblems(objects), []);
      assert.deepEqual(semanticProblems(objects), []);
    });
  }

  it('run the web server with readiness on /readyz, liveness and startup on /healthz', () => {
    const container = workloadFor().deployment.spec?.template.spec?.containers[0];
    assert.equal(container?.readinessProbe?.httpGet?.path, '/readyz');
    assert.equal(container?.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(container?.startupProbe?.httpGet?.path, '/healthz');
    assert.deepEqual(container?.command, ['node', 'service/dist/bin/serve.js']);
    assert.deepEqual(container?.ports, [
      { name: 'http', containerPort: 3000, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9464, protocol: 'TCP' },
    ]);
  });

  it('give the server the environment the service expects, secrets only by reference', () => {
    const env = workloadFor().deployment.spec?.template.spec?.containers[0]?.env ?? [];
    const plain = Object.fromEntries(
      env.filter((variable) => 'value' in variable).map((v) => [v.name, v.value]),
    );
    assert.deepEqual(plain, {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_SSL: 'verify-full',
      PORT: '3000',
      HOST: '0.0.0.0',
      TRUST_PROXY: '1',
      SHUTDOWN_DRAIN_SECONDS: '10',
      DATABASE_POOL_MAX: '10',
      MAX_STREAMS: '4500',
      MAX_STREAMS_PER_ADDRESS: '1000',
      HTTP_MAX_IDLE_CONNECTIONS_PER_ADDRESS: '128',
    });
    const fromSecret = env
      .filter((variable) => variable.valueFrom?.secretKeyRef)
      .map((variable) => variable.name);
    assert.deepEqual(fromSecret.sort(), ['DATABASE_URL', 'SESSION_KEYS']);
  });

  it('never lets a rollout drop below the desired count and leaves the count to the HPA', () => {
    const spec = workloadFor().deployment.spec;
    assert.equal(spec?.strategy?.rollingUpdate?.maxUnavailable, 0);
    assert.equal(spec?.replicas, undefined);
  });

  it('waits longer than the preStop pause plus the service drain before killing a pod', () => {
    const pod = workloadFor().deployment.spec?.template.spec;
    assert.equal(pod?.containers[0]?.lifecycle?.preStop?.sleep?.seconds, preStopPauseSeconds);
    assert.ok((pod?.terminationGracePeriodSeconds ?? 0) > preStopPauseSeconds + drainSeconds);
  });

  it('runs every container as uid 1000 on a read-only root with a writable /tmp and no capabilities', () => {
    const { deployment, migrationJob } = workloadFor();
    for (const pod of [deployment.spec?.template.spec, migrationJob.spec?.template.spec]) {
      assert.equal(pod?.securityContext?.runAsUser, 1000);
      assert.equal(pod?.securityContext?.runAsNonRoot, true);
      assert.equal(pod?.securityContext?.seccompProfile?.type, 'RuntimeDefault');
      assert.equal(pod?.automountServiceAccountToken, false);
      const container = pod?.containers[0];
      assert.equal(container?.securityContext?.readOnlyRootFilesystem, true);
      assert.deepEqual(container?.securityContext?.capabilities?.drop, ['ALL']);
      assert.deepEqual(container?.volumeMounts, [{ name: 'tmp', mountPath: '/tmp' }]);
      assert.ok(pod?.volumes?.some((volume) => volume.name === 'tmp' && volume.emptyDir));
    }
  });

  it('spreads the web pods across zones', () => {
    const constraints = workloadFor().deployment.spec?.template.spec?.topologySpreadConstraints ?? [];
    assert.ok(constraints.some((constraint) => constraint.topologyKey === 'topology.kubernetes.io/zone'));
  });

  it('migrates with the migration command in a Job named after the image, never retried in place', () => {
    const job = workloadFor().migrationJob;
    assert.deepEqual(job.spec?.template.spec?.containers[0]?.command, [
      'node',
      'service/dist/bin/migrate.js',
    ]);
    assert.equal(job.spec?.template.spec?.restartPolicy, 'Never');
    assert.equal(job.metadata?.name, migrationJobName(settingsFor()));
    assert.equal(migrationJobName(settingsFor()), migrationJobName(settingsFor()));
    assert.notEqual(
      migrationJobName(settingsFor()),
      migrationJobName(settingsFor({ image: 'polls:v1.2.4' })),
    );
  });

  it('scales on CPU between the configured bounds', () => {
    const hpa = workloadFor({
      minReplicas: 3,
      maxReplicas: 9,
      targetCpuUtilization: 70,
    }).horizontalPodAutoscaler;
    assert.equal(hpa.spec?.minReplicas, 3);
    assert.equal(hpa.spec?.maxReplicas, 9);
    assert.equal(hpa.spec?.metrics?.[0]?.resource?.target.averageUtilization, 70);
  });

  it('serves HTTPS for the domain with a cert-manager certificate and a redirect from HTTP', () => {
    const ingress = workloadFor().ingress;
    assert.equal(ingress.spec?.rules?.[0]?.host, 'polls.example.com');
    assert.deepEqual(ingress.spec?.tls, [{ hosts: ['polls.example.com'], secretName: 'polls-tls' }]);
    assert.equal(ingress.metadata?.annotations?.['cert-manager.io/cluster-issuer'], 'letsencrypt');
    assert.equal(ingress.metadata?.annotations?.['nginx.org/ssl-redirect'], 'true');
    assert.equal(ingress.spec?.ingressClassName, 'nginx');
  });

  it('serves plain HTTP on any host without a domain', () => {
    const ingress = workloadFor({ domain: undefined }).ingress;
    assert.equal(ingress.spec?.rules?.[0]?.host, undefined);
    assert.equal(ingress.spec?.tls, undefined);
    assert.equal(ingress.metadata?.annotations?.['cert-manager.io/cluster-issuer'], undefined);
    assert.equal(ingress.metadata?.annotations?.['nginx.org/ssl-redirect'], undefined);
  });

  it('routes the Ingress only to the public port: the metrics port is in no Service', () => {
    const { service, ingress } = workloadFor();
    assert.deepEqual(
      service.spec?.ports?.map((port) => port.targetPort),
      ['http'],
    );
    const backends = (ingress.spec?.rules ?? []).flatMap((rule) =>
      (rule.http?.paths ?? []).map((path) => path.backend.service?.port?.name),
    );
    assert.ok(backends.length > 0);
    assert.deepEqual(new Set(backends), new Set(['http']));
  });

  it('lets traffic in only from the ingress controller (and the nodes to the metrics port), out only to DNS and the database', () => {
    const policies = workloadFor().networkPolicies;
    const ingressSources = policies
      .flatMap((policy) => policy.spec?.ingress ?? [])
      .flatMap((rule) => rule.from ?? []);
    assert.deepEqual(ingressSources, [
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'nginx-ingress' } },
        podSelector: {
          matchLabels: {
            'app.kubernetes.io/name': 'nginx-ingress',
            'app.kubernetes.io/instance': 'nginx-ingress',
          },
        },
      },
      { ipBlock: { cidr: '10.0.0.0/16' } },
    ]);
    const metricsRule = policies.find((policy) => policy.metadata?.name === 'polls-from-metrics-scrapers')
      ?.spec?.ingress?.[0];
    assert.deepEqual(metricsRule?.ports, [{ protocol: 'TCP', port: 9464 }]);
    const egressPorts = policies
      .flatMap((policy) => policy.spec?.egress ?? [])
      .flatMap((rule) => rule.ports ?? []);
    assert.deepEqual(egressPorts.map((port) => `${port.protocol}/${port.port}`).sort(), [
      'TCP/53',
      'TCP/5432',
      'UDP/53',
    ]);
    const databaseRule = policies.find((policy) => policy.metadata?.name === 'polls-to-database')?.spec
      ?.egress?.[0];
    assert.deepEqual(databaseRule?.to, [{ ipBlock: { cidr: '10.0.0.0/16' } }]);
  });

  it('enforces the restricted Pod Security Standard on the namespace', () => {
    const labels = workloadFor().namespace.metadata?.labels;
    assert.equal(labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
  });
});
