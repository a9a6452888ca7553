import assert from 'node:assert/strict';
import { controlPlaneLogTypes } from '../src/eks/cluster';
import { certManagerChart } from '../src/eks/certificates';
import { containerInsightsConfiguration, containerInsightsLogGroups } from '../src/eks/container-insights';
import { ingressControllerChart } from '../src/eks/ingress-controller';
import { semanticProblems, type LooseObject } from '../src/k8s/checks';
import { schemaProblems } from '../src/k8s/schema';
import { selectorLabels } from '../src/k8s/settings';
import { settingsFor } from './k8s-fixtures';
import { isSecretWrapper, plainStrings, revealed } from './support/inputs';
import { mockArn, mockSecretMarker } from './support/mock-aws';
import {
  deployerAddress,
  deployerRole,
  loadBalancerHostname,
  operatorRole,
  runEks,
  site,
} from './support/eks-stacks';
import type { ProgramRun, RecordedResource } from './support/program';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function kubernetesObjects(run: ProgramRun): LooseObject[] {
  return run.resources
    .filter(
      (resource) =>
        resource.custom &&
        resource.type.startsWith('kubernetes:') &&
        !resource.type.includes('helm.sh') &&
        !resource.type.startsWith('kubernetes:cert-manager'),
    )
    .map((resource) => revealed(resource.inputs) as LooseObject);
}

const inputs = (resource: RecordedResource): Json => resource.inputs as Json;

describe('eks platform (prod config with a domain)', () => {
  let run: ProgramRun;
  before(async () => (run = await runEks('prod', site)));

  it('creates nothing of the ec2 platform', () => {
    const ec2Only = run.resources.filter((resource) =>
      /^aws:(autoscaling|lb|alb)\/|^aws:iam\/instanceProfile|^polls:ec2:/.test(resource.type),
    );
    assert.deepEqual(
      ec2Only.map((resource) => resource.type),
      [],
    );
  });

  it('builds the cluster at the configured version with access entries only and every control-plane log', () => {
    const cluster = inputs(run.one('aws:eks/cluster:Cluster'));
    assert.equal(cluster.version, '1.36');
    assert.deepEqual(cluster.accessConfig, {
      authenticationMode: 'API',
      bootstrapClusterCreatorAdminPermissions: false,
    });
    assert.deepEqual(cluster.enabledClusterLogTypes, controlPlaneLogTypes);
    assert.equal(controlPlaneLogTypes.length, 5);
    const logGroup = inputs(run.named('polls-control-plane-logs', 'aws:cloudwatch/logGroup:LogGroup'));
    assert.equal(logGroup.name, `/aws/eks/${cluster.name}/cluster`);
    assert.equal(logGroup.retentionInDays, 90);
  });

  it('encrypts Kubernetes Secrets with its own rotating KMS key', () => {
    const cluster = inputs(run.one('aws:eks/cluster:Cluster'));
    const key = run.one('aws:kms/key:Key');
    assert.deepEqual(cluster.encryptionConfig.resources, ['secrets']);
    assert.match(cluster.encryptionConfig.provider.keyArn, new RegExp(`/${key.name}$`));
    assert.equal(inputs(key).enableKeyRotation, true);
  });

  it('puts the control plane in the private subnets, its public endpoint open only to the named addresses', () => {
    const vpc = inputs(run.one('aws:eks/cluster:Cluster')).vpcConfig;
    assert.deepEqual(vpc.subnetIds, ['polls-private-1-id', 'polls-private-2-id', 'polls-private-3-id']);
    assert.equal(vpc.endpointPrivateAccess, true);
    assert.equal(vpc.endpointPublicAccess, true);
    assert.deepEqual(vpc.publicAccessCidrs, [deployerAddress]);
  });

  it('writes out the cluster and node roles for their AWS services', () => {
    const trusted = run
      .ofType('aws:iam/role:Role')
      .map((role) => JSON.parse(inputs(role).assumeRolePolicy).Statement[0].Principal.Service);
    // Pod Identity roles: cert-manager's (DNS validation) and the CloudWatch agents'.
    assert.deepEqual(trusted.sort(), [
      'ec2.amazonaws.com',
      'eks.amazonaws.com',
      'pods.eks.amazonaws.com',
      'pods.eks.amazonaws.com',
    ]);
    const attached = run
      .ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment')
      .map((attachment) => inputs(attachment).policyArn.split('/').pop());
    assert.deepEqual(attached.sort(), [
      'AmazonEC2ContainerRegistryPullOnly',
      'AmazonEKSClusterPolicy',
      'AmazonEKSWorkerNodePolicy',
      'AmazonEKS_CNI_Policy',
      'CloudWatchAgentServerPolicy',
    ]);
  });

  it('gives exactly the configured principals cluster admin through access entries, whoever deploys', () => {
    const entries = run.ofType('aws:eks/accessEntry:AccessEntry');
    assert.deepEqual(
      entries.map((entry) => inputs(entry).principalArn).sort(),
      [deployerRole, operatorRole].sort(),
    );
    const associations = run.ofType('aws:eks/accessPolicyAssociation:AccessPolicyAssociation');
    for (const association of associations) {
      assert.equal(
        inputs(association).policyArn,
        'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      );
      assert.deepEqual(inputs(association).accessScope, { type: 'cluster' });
    }
    const provider = run.one('pulumi:providers:kubernetes');
    for (const association of associations) assert.ok(provider.dependsOn.includes(association.name));
  });

  it("takes over the former deployer entry with the first admin's, so the same principal is kept", () => {
    const entryOf = (principal: string) =>
      run
        .ofType('aws:eks/accessEntry:AccessEntry')
        .find((entry) => inputs(entry).principalArn === principal)!;
    assert.equal(entryOf(deployerRole).parent?.type, 'polls:eks:ClusterAdmins');
    assert.deepEqual(entryOf(deployerRole).formerNames, ['polls-deployer-access']);
    assert.deepEqual(entryOf(operatorRole).formerNames, []);
  });

  it('refuses a cluster whose stack names no admins, with the command that sets one', async () => {
    await assert.rejects(runEks('prod', { clusterAdmins: null }), {
      message:
        /^polls:clusterAdmins is required on eks: .*pulumi config set --path 'polls:clusterAdmins\[0\]' <arn>\)$/,
    });
  });

  it('runs the managed node group in the private subnets with the configured type and sizes', () => {
    const nodes = inputs(run.one('aws:eks/nodeGroup:NodeGroup'));
    assert.deepEqual(nodes.subnetIds, ['polls-private-1-id', 'polls-private-2-id', 'polls-private-3-id']);
    assert.deepEqual(nodes.instanceTypes, ['t3.large']);
    assert.deepEqual(nodes.scalingConfig, { minSize: 3, maxSize: 6, desiredSize: 3 });
  });

  it('requires IMDSv2 with a hop limit of 1 on the nodes, so pods cannot reach the node role', () => {
    const template = run.one('aws:ec2/launchTemplate:LaunchTemplate');
    assert.deepEqual(inputs(template).metadataOptions, {
      httpEndpoint: 'enabled',
      httpTokens: 'required',
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: 'disabled',
    });
    assert.equal(inputs(template).blockDeviceMappings[0].ebs.encrypted, 'true');
    assert.equal(inputs(run.one('aws:eks/nodeGroup:NodeGroup')).launchTemplate.id, `${template.name}-id`);
  });

  it('installs the add-ons, metrics-server included, with network policy enforcement in vpc-cni', () => {
    const addons = run.ofType('aws:eks/addon:Addon');
    assert.deepEqual(addons.map((addon) => inputs(addon).addonName).sort(), [
      'amazon-cloudwatch-observability',
      'coredns',
      'eks-pod-identity-agent',
      'kube-proxy',
      'metrics-server',
      'vpc-cni',
    ]);
    const vpcCni = addons.find((addon) => inputs(addon).addonName === 'vpc-cni')!;
    assert.deepEqual(JSON.parse(inputs(vpcCni).configurationValues), { enableNetworkPolicy: 'true' });
    const nodeGroup = run.one('aws:eks/nodeGroup:NodeGroup').name;
    for (const addon of addons.filter((addon) =>
      ['coredns', 'metrics-server', 'amazon-cloudwatch-observability'].includes(inputs(addon).addonName),
    )) {
      assert.ok(addon.dependsOn.includes(nodeGroup), `${addon.name} waits for the nodes`);
    }
  });

  it('installs the CloudWatch Observability add-on with its own role, scraping the service’s web pods', () => {
    const addon = run
      .ofType('aws:eks/addon:Addon')
      .find((each) => inputs(each).addonName === 'amazon-cloudwatch-observability')!;
    const configuration: Json = JSON.parse(inputs(addon).configurationValues);
    assert.deepEqual(
      configuration,
      containerInsightsConfiguration({
        metricNamespace: 'polls/prod',
        workloadNamespace: 'polls',
        webPodLabels: selectorLabels(settingsFor({ instance: 'prod' }), 'web'),
      }),
    );
    assert.equal(configuration.containerLogs.enabled, true);
    assert.equal(
      configuration.agent.config.logs.metrics_collected.kubernetes.enhanced_container_insights,
      true,
    );
    const [association] = inputs(addon).podIdentityAssociations;
    assert.equal(association.serviceAccount, 'cloudwatch-agent');
    const role = run.resources.find(
      (resource) => association.roleArn === mockArn(resource.type, resource.name),
    )!;
    assert.ok(
      run
        .ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment')
        .some(
          (attachment) =>
            inputs(attachment).role === role.name &&
            inputs(attachment).policyArn === 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
        ),
    );
    assert.ok(addon.dependsOn.includes(run.one('aws:eks/nodeGroup:NodeGroup').name));
  });

  it('creates the add-on’s log groups first, so container logs are kept polls:logRetentionDays', () => {
    const groups = run
      .ofType('aws:cloudwatch/logGroup:LogGroup')
      .filter((group) => String(inputs(group).name).startsWith('/aws/containerinsights/'));
    assert.deepEqual(
      groups.map((group) => inputs(group).name).sort(),
      containerInsightsLogGroups.map((kind) => `/aws/containerinsights/polls-prod/${kind}`).sort(),
    );
    for (const group of groups) assert.equal(inputs(group).retentionInDays, 90);
    const addon = run.ofType('aws:eks/addon:Addon').find((each) => each.name === 'polls-insights-addon')!;
    for (const group of groups) assert.ok(addon.dependsOn.includes(group.name), group.name);
  });

  it('lets only the cluster security group reach the database, on 5432', () => {
    const rule = inputs(run.one('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule'));
    assert.equal(rule.referencedSecurityGroupId, 'sg-polls-cluster-cluster');
    assert.equal(rule.fromPort, 5432);
    assert.equal(rule.toPort, 5432);
    assert.equal(rule.cidrIpv4, undefined);
  });

  it('pins the F5 NGINX ingress controller chart, repository and version', () => {
    const release = run.named('polls-nginx-ingress', 'kubernetes:helm.sh/v3:Release');
    assert.equal(inputs(release).chart, 'nginx-ingress');
    assert.equal(inputs(release).repositoryOpts.repo, 'https://helm.nginx.com/stable');
    assert.match(inputs(release).version, /^\d+\.\d+\.\d+$/);
    assert.equal(inputs(release).version, ingressControllerChart.version);
  });

  it('runs the controller highly available behind an NLB with a disruption budget and resources', () => {
    const controller = inputs(run.named('polls-nginx-ingress', 'kubernetes:helm.sh/v3:Release')).values
      .controller;
    assert.ok(controller.replicaCount >= 2);
    assert.equal(controller.podDisruptionBudget.enabled, true);
    assert.ok(controller.resources.requests.cpu && controller.resources.limits.memory);
    assert.equal(controller.service.annotations['service.beta.kubernetes.io/aws-load-balancer-type'], 'nlb');
    assert.equal(controller.telemetryReporting.enable, false);
  });

  it('deletes the controller (and its load balancer) before the nodes and the network', () => {
    const release = run.named('polls-nginx-ingress', 'kubernetes:helm.sh/v3:Release');
    assert.ok(release.dependsOn.includes(run.one('aws:eks/nodeGroup:NodeGroup').name));
    // A dependency on the Network component is one on each of its resources.
    for (const part of [
      'polls-private-1',
      'polls-public-1',
      'polls-nat-1',
      'polls-igw',
      'polls-private-rta-1',
    ]) {
      assert.ok(release.dependsOn.includes(part), `the release depends on ${part}`);
    }
  });

  it('migrates in a Job the Deployment waits for, which the next `pulumi up` re-creates if it failed', () => {
    const job = run.one('kubernetes:batch/v1:Job');
    assert.equal(inputs(job).metadata.annotations['pulumi.com/replaceUnready'], 'true');
    assert.ok(run.one('kubernetes:apps/v1:Deployment').dependsOn.includes(job.name));
    assert.deepEqual(inputs(job).spec.template.spec.containers[0].command, [
      'node',
      'service/dist/bin/migrate.js',
    ]);
  });

  it('creates the Ingress only after the controller, for the domain with TLS', () => {
    const ingress = run.one('kubernetes:networking.k8s.io/v1:Ingress');
    assert.ok(ingress.dependsOn.includes('polls-nginx-ingress'));
    assert.ok(ingress.dependsOn.includes('polls-cluster-issuer'));
    assert.equal(inputs(ingress).spec.rules[0].host, site.domain);
    assert.equal(inputs(ingress).spec.tls[0].secretName, 'polls-tls');
  });

  it('issues the certificate with cert-manager through DNS-01 in the hosted zone', () => {
    const release = inputs(run.named('polls-cert-manager', 'kubernetes:helm.sh/v3:Release'));
    assert.equal(release.version, certManagerChart.version);
    const issuer = inputs(run.one('kubernetes:cert-manager.io/v1:ClusterIssuer'));
    assert.equal(issuer.spec.acme.solvers[0].dns01.route53.hostedZoneID, site.hostedZoneId);
    const identity = inputs(run.one('aws:eks/podIdentityAssociation:PodIdentityAssociation'));
    assert.deepEqual([identity.namespace, identity.serviceAccount], ['cert-manager', 'cert-manager']);
    const policy = JSON.parse(inputs(run.one('aws:iam/rolePolicy:RolePolicy')).policy);
    assert.ok(JSON.stringify(policy).includes(`hostedzone/${site.hostedZoneId}`));
  });

  it('points the domain at the load balancer and reports https://domain as the URL', () => {
    const record = inputs(run.one('aws:route53/record:Record'));
    assert.equal(record.name, site.domain);
    assert.equal(record.aliases[0].name, loadBalancerHostname);
    assert.deepEqual(run.outputs.url, { value: `https://${site.domain}`, secret: false });
  });

  it('creates Kubernetes objects that pass the schemas and the semantic checks', () => {
    const objects = kubernetesObjects(run);
    assert.equal(objects.length, 13);
    assert.deepEqual(schemaProblems(objects), []);
    assert.deepEqual(semanticProblems(objects), []);
  });

  it('scales the web Deployment between the configured bounds', () => {
    const hpa = inputs(run.one('kubernetes:autoscaling/v2:HorizontalPodAutoscaler')).spec;
    assert.equal(hpa.scaleTargetRef.name, inputs(run.one('kubernetes:apps/v1:Deployment')).metadata.name);
    assert.deepEqual([hpa.minReplicas, hpa.maxReplicas], [3, 10]);
  });

  it('fills the Kubernetes Secret from Pulumi secrets only', () => {
    const stringData = inputs(run.one('kubernetes:core/v1:Secret')).stringData;
    assert.ok(isSecretWrapper(stringData));
    const values = revealed(stringData) as Json;
    assert.deepEqual(Object.keys(values).sort(), ['DATABASE_URL', 'SESSION_KEYS']);
    assert.ok(values.SESSION_KEYS.startsWith(mockSecretMarker));
  });

  it('puts no secret value in any plain input or output', () => {
    const plain = [
      ...run.resources.flatMap((resource) => plainStrings(resource.inputs)),
      ...Object.values(run.outputs)
        .filter((output) => !output.secret)
        .flatMap((output) => plainStrings(output.value)),
    ];
    assert.deepEqual(
      plain.filter((text) => text.includes(mockSecretMarker)),
      [],
    );
  });

  it('exports the kubeconfig only as a secret', () => {
    assert.equal(run.outputs.kubeconfig?.secret, true);
    const kubeconfig = JSON.parse(String(run.outputs.kubeconfig?.value));
    assert.deepEqual(kubeconfig.users[0].user.exec.args.slice(0, 4), [
      'eks',
      'get-token',
      '--cluster-name',
      'polls-prod',
    ]);
  });
});

describe('eks platform (prod config without a domain)', () => {
  let run: ProgramRun;
  before(async () => (run = await runEks('prod', { domain: null, hostedZoneId: null })));

  it('serves plain HTTP on the load balancer name, without cert-manager or DNS records', () => {
    assert.deepEqual(run.outputs.url, { value: `http://${loadBalancerHostname}`, secret: false });
    assert.equal(run.ofType('kubernetes:cert-manager.io/v1:ClusterIssuer').length, 0);
    assert.equal(run.ofType('aws:route53/record:Record').length, 0);
    const ingress = inputs(run.one('kubernetes:networking.k8s.io/v1:Ingress'));
    assert.equal(ingress.spec.tls, undefined);
    assert.equal(ingress.spec.rules[0].host, undefined);
    // The F5 controller serves a host-less Ingress only when told to (chart 2.6+, controller 5.5+).
    const controller = inputs(run.named('polls-nginx-ingress', 'kubernetes:helm.sh/v3:Release'));
    assert.equal(controller.values.controller.allowEmptyIngressHost, true);
    assert.equal(controller.version, '2.6.4');
    assert.deepEqual(
      run.one('kubernetes:networking.k8s.io/v1:Ingress').dependsOn.filter((name) => name.includes('issuer')),
      [],
    );
  });
});

describe('eks platform (dev config forced to eks, private endpoint)', () => {
  let run: ProgramRun;
  before(async () => (run = await runEks('dev', { clusterEndpointPublicAccess: false })));

  it('closes the public endpoint when configured', () => {
    const vpc = inputs(run.one('aws:eks/cluster:Cluster')).vpcConfig;
    assert.equal(vpc.endpointPublicAccess, false);
    assert.equal(vpc.publicAccessCidrs, undefined);
  });

  it('creates Kubernetes objects that pass the schemas and the semantic checks', () => {
    const objects = kubernetesObjects(run);
    assert.deepEqual(schemaProblems(objects), []);
    assert.deepEqual(semanticProblems(objects), []);
    const hpa = objects.find((object) => object.kind === 'HorizontalPodAutoscaler') as Json;
    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [2, 3]);
  });
});
