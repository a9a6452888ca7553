import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { postgresPort } from '../database';
import type { StackConfig } from '../config';
import { workloadConfigKeys, workloadSettings } from '../k8s/settings-from-config';
import { deploymentName } from '../k8s/deployment';
import { serviceName } from '../k8s/service';
import { selectorLabels } from '../k8s/settings';
import { metricNamespace, type PlatformTelemetry } from '../observability/telemetry';
import type { PlatformArgs, PlatformOutputs, Rollout } from '../platform';
import { ClusterAdmins } from './access';
import { ClusterAddons, nodeAddonNames, workloadAddonNames } from './addons';
import { AddonVersionChoice, type RunningAddons } from './addon-versions';
import { CertificateManager } from './certificates';
import { Cluster } from './cluster';
import { ContainerInsights } from './container-insights';
import { IngressController } from './ingress-controller';
import { kubeconfig } from './kubeconfig';
import { supportWarning } from '../kubernetes-versions';
import { NodeGroup } from './node-group';
import { ServiceWorkload } from './workload';

/** The config keys the eks platform reads (index.ts hands it these and no others). */
export const eksConfigKeys = [
  ...workloadConfigKeys,
  'logRetentionDays',
  'kubernetesVersion',
  'kubernetesExtendedSupport',
  'addonVersions',
  'clusterEndpointPublicAccess',
  'clusterPublicAccessCidrs',
  'clusterAdmins',
  'nodeInstanceType',
  'nodeMinSize',
  'nodeMaxSize',
] as const satisfies readonly (keyof StackConfig)[];
export type EksConfig = Pick<StackConfig, (typeof eksConfigKeys)[number]>;

/**
 * The eks platform: an EKS cluster with a managed node group in the private subnets, the F5 NGINX ingress
 * controller behind an NLB, cert-manager when there is a domain, and the service workload.
 */
export class EksPlatform extends pulumi.ComponentResource implements PlatformOutputs {
  readonly url: pulumi.Output<string>;
  readonly originHostname: pulumi.Output<string>;
  readonly siteRecord: pulumi.Alias;
  readonly rollout: pulumi.Output<Rollout>;
  /** Secret: it names the cluster and its endpoint; it holds no credentials (`aws eks get-token`). */
  readonly kubeconfig: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly telemetry: PlatformTelemetry;
  /** The add-on versions this deploy runs: the next one keeps them (addon-versions.ts). */
  readonly addonVersions: pulumi.Output<RunningAddons>;

  constructor(name: string, args: PlatformArgs<EksConfig>, opts?: pulumi.ComponentResourceOptions) {
    // Named like the ec2 platform's type; the alias keeps the component, and with it every child, in place
    // (pulumi/pulumi tests/integration/aliases/nodejs/retype_component: children inherit their parent's alias).
    super(
      'polls:eks:Platform',
      name,
      {},
      { ...opts, aliases: [{ type: 'polls:eks:EksPlatform' }, ...(opts?.aliases ?? [])] },
    );
    const { config, network, site, tags } = args;
    const parent = { parent: this };

    const supportEnding = supportWarning(
      config.kubernetesVersion,
      config.kubernetesExtendedSupport,
      new Date(),
    );
    if (supportEnding) void pulumi.log.warn(supportEnding, this);

    const { cluster } = new Cluster(
      name,
      {
        clusterName: `${config.project}-${config.stack}`,
        kubernetesVersion: config.kubernetesVersion,
        extendedSupport: config.kubernetesExtendedSupport,
        subnetIds: network.privateSubnetIds,
        endpointPublicAccess: config.clusterEndpointPublicAccess,
        publicAccessCidrs: config.clusterPublicAccessCidrs,
        logRetentionDays: config.logRetentionDays,
        tags,
      },
      parent,
    );
    this.clusterName = cluster.name;
    const region = cluster.arn.apply((arn) => arn.split(':')[3] ?? '');

    const admins = new ClusterAdmins(name, { cluster, principalArns: config.clusterAdmins, tags }, parent);
    const addonVersions = new AddonVersionChoice(
      cluster,
      config.kubernetesVersion,
      args.running.addonVersions,
      config.addonVersions === 'default',
    );
    const { addons: networking } = new ClusterAddons(
      `${name}-node`,
      {
        cluster,
        addonNames: nodeAddonNames,
        versions: addonVersions,
        after: [],
        formerNamePrefix: name,
        tags,
      },
      parent,
    );
    const { nodeGroup: nodes } = new NodeGroup(
      name,
      {
        cluster,
        subnetIds: network.privateSubnetIds,
        instanceType: config.nodeInstanceType,
        minSize: config.nodeMinSize,
        maxSize: config.nodeMaxSize,
        kubernetesVersion: config.kubernetesVersion,
        after: networking,
        tags,
      },
      parent,
    );
    const { addons: clusterServices } = new ClusterAddons(
      `${name}-services`,
      {
        cluster,
        addonNames: workloadAddonNames,
        versions: addonVersions,
        after: [nodes],
        formerNamePrefix: name,
        tags,
      },
      parent,
    );

    // Nodes and pods share the cluster security group (no security groups for pods): it alone reaches RDS.
    const databaseAccess = new aws.vpc.SecurityGroupIngressRule(
      `${name}-database-from-cluster`,
      {
        securityGroupId: args.database.securityGroupId,
        referencedSecurityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
        ipProtocol: 'tcp',
        fromPort: postgresPort,
        toPort: postgresPort,
        description: 'PostgreSQL from the EKS nodes and pods',
        tags,
      },
      parent,
    );

    const clusterKubeconfig = pulumi
      .all([cluster.name, cluster.arn, cluster.endpoint, cluster.certificateAuthority.data])
      .apply(([clusterName, arn, endpoint, certificateAuthority]) =>
        kubeconfig({ name: clusterName, arn, endpoint, certificateAuthority }),
      );
    this.kubeconfig = pulumi.secret(clusterKubeconfig);
    const provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true, deleteUnreachable: false },
      { parent: this, dependsOn: admins.associations },
    );

    // Nothing runs in the cluster before its nodes, DNS and metrics exist; teardown removes it all first.
    const clusterReady = [nodes, ...clusterServices, network];
    const controller = new IngressController(
      name,
      { provider, after: clusterReady, originCheck: args.originLock !== undefined },
      parent,
    );

    const certificates =
      site &&
      new CertificateManager(name, { cluster, provider, region, ...site, after: clusterReady, tags }, parent);

    const settings = workloadSettings(config, args.image, args.originLock !== undefined);
    const workload = new ServiceWorkload(
      `${name}-service`,
      {
        settings,
        secrets: { databaseUrl: args.appSecrets.databaseUrl, sessionKeys: args.appSecrets.sessionKeys },
        provider,
        ingressController: controller.release,
        ingressDependencies: certificates ? [certificates.issuer] : [],
        podDependencies: [...clusterReady, databaseAccess],
        originLock: args.originLock,
      },
      parent,
    );

    const insights = new ContainerInsights(
      `${name}-insights`,
      {
        cluster,
        metricNamespace: metricNamespace(config),
        workloadNamespace: settings.namespace,
        webPodLabels: selectorLabels(settings, 'web'),
        logRetentionDays: config.logRetentionDays,
        after: [nodes, ...networking],
        addonVersions,
        tags,
      },
      parent,
    );
    this.addonVersions = addonVersions.record([...networking, ...clusterServices, insights.addon]);
    // Kubernetes names the NLB; its DNS name is `<name>-<id>.elb.<region>.amazonaws.com`.
    const loadBalancer = aws.lb.getLoadBalancerOutput(
      {
        name: workload.loadBalancerHostname.apply((hostname) =>
          hostname.split('.')[0]!.replace(/-[^-]*$/, ''),
        ),
      },
      parent,
    );
    this.telemetry = {
      kind: 'eks',
      clusterName: cluster.name,
      loadBalancer: loadBalancer.arnSuffix,
      namespace: settings.namespace,
      serviceName: serviceName(settings),
      accessLog: {
        logGroupName: insights.applicationLogGroupName,
        fieldPrefix: 'log_processed.',
        scope: { field: 'kubernetes.namespace_name', value: settings.namespace },
      },
    };

    this.originHostname = workload.loadBalancerHostname;
    const siteRecordName = `${name}-site-record`;
    this.siteRecord = { name: siteRecordName, parent: this };
    // Behind a CDN the site's name is the CDN's; the NLB's own address is for debugging only.
    if (site && !args.behindCdn) {
      // The site's name points at the NLB; an alias works at a zone apex too.
      const loadBalancerZone = aws.lb.getHostedZoneIdOutput({ loadBalancerType: 'network' }, parent);
      new aws.route53.Record(
        siteRecordName,
        {
          zoneId: site.hostedZoneId,
          name: site.domain,
          type: 'A',
          aliases: [
            { name: workload.loadBalancerHostname, zoneId: loadBalancerZone.id, evaluateTargetHealth: true },
          ],
        },
        { parent: this, aliases: args.siteRecordFormerly ? [args.siteRecordFormerly] : [] },
      );
      this.url = pulumi.output(`https://${site.domain}`);
    } else {
      this.url = pulumi.interpolate`${site ? 'https' : 'http'}://${workload.loadBalancerHostname}`;
    }
    this.rollout = pulumi.output({
      kind: 'deployment' as const,
      namespace: settings.namespace,
      deployment: deploymentName(settings),
    });
    this.registerOutputs({
      url: this.url,
      kubeconfig: this.kubeconfig,
      clusterName: this.clusterName,
      rollout: this.rollout,
    });
  }
}
