import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { architectureOf } from '../architecture';
import { CONTAINER_PORT, healthPaths, stopTimeoutSeconds, trustedProxyHops } from '../service-contract';
import type { StackConfig } from '../config';
import { connectionBudget } from '../database-connections';
import type { PlatformArgs, PlatformOutputs, Rollout } from '../platform';
import { encryptedRootVolume, imdsV2Only } from '../instance-hardening';
import { metricNamespace, type PlatformTelemetry } from '../observability/telemetry';
import { named } from '../tags';
import { InstanceRole } from './instance-role';
import { InstanceSecurityGroup } from './instance-security-group';
import { LoadBalancer } from './load-balancer';
import { chooseMachineImage, machineImageId, type RunningMachineImage } from './machine-image';
import { renderUserData } from './user-data';

/** Seconds a new instance gets to install Docker, pull, migrate and pass health checks before ELB checks count. */
export const healthCheckGraceSeconds = 300;
/** Seconds after boot before a new instance's metrics count for scaling and instance refresh. */
const instanceWarmupSeconds = 180;
const rootVolumeGb = 20;
/** Days the agent's metric events are kept: the metrics themselves stay in CloudWatch for 15 months. */
export const metricEventRetentionDays = 3;

/** The config keys the ec2 platform reads (index.ts hands it these and no others). */
export const ec2ConfigKeys = [
  'project',
  'stack',
  'logRetentionDays',
  'instanceType',
  'minReplicas',
  'maxReplicas',
  'targetCpuUtilization',
  'dbInstanceClass',
  'machineImage',
] as const satisfies readonly (keyof StackConfig)[];
export type Ec2Config = Pick<StackConfig, (typeof ec2ConfigKeys)[number]>;

/**
 * The service on EC2: an Auto Scaling group of Amazon Linux instances in the private subnets, each running
 * the image under systemd, behind an ALB in the public subnets. No SSH anywhere: Session Manager instead.
 */
export class Ec2Platform extends pulumi.ComponentResource implements PlatformOutputs {
  readonly url: pulumi.Output<string>;
  readonly originHostname: pulumi.Output<string>;
  readonly siteRecord: pulumi.Alias;
  readonly certificateValidationRecord?: pulumi.Output<string>;
  readonly rollout: pulumi.Output<Rollout>;
  readonly telemetry: PlatformTelemetry;
  /** The AMI this deploy runs: the next one keeps it (machine-image.ts). */
  readonly machineImage: pulumi.Output<RunningMachineImage>;

  constructor(name: string, args: PlatformArgs<Ec2Config>, opts?: pulumi.ComponentResourceOptions) {
    super('polls:ec2:Platform', name, {}, opts);
    const parent = { parent: this };
    const { config, network, tags } = args;

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/${config.project}/${config.stack}/service`, retentionInDays: config.logRetentionDays, tags },
      parent,
    );

    // The CloudWatch agent's EMF events: CloudWatch makes metrics of them, so a short retention is enough.
    const metricsLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-metrics-logs`,
      { name: `/${config.project}/${config.stack}/metrics`, retentionInDays: metricEventRetentionDays, tags },
      parent,
    );

    const role = new InstanceRole(
      `${name}-instance`,
      {
        repositoryArn: args.registry.arn,
        secretArn: args.appSecrets.secretArn,
        logGroupArns: [logGroup.arn, metricsLogGroup.arn],
        tags,
      },
      parent,
    );

    const loadBalancer = new LoadBalancer(
      `${name}-lb`,
      {
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        targetPort: CONTAINER_PORT,
        healthCheckPath: healthPaths.readiness,
        // A leaving instance keeps its in-flight requests as long as the service itself may take to stop.
        deregistrationDelaySeconds: stopTimeoutSeconds(),
        https: args.site,
        behindCdn: args.behindCdn,
        originLock: args.originLock,
        siteRecordFormerly: args.siteRecordFormerly,
        tags,
      },
      parent,
    );

    const instanceAccess = new InstanceSecurityGroup(
      name,
      {
        vpcId: network.vpcId,
        loadBalancerSecurityGroupId: loadBalancer.securityGroupId,
        databaseSecurityGroupId: args.database.securityGroupId,
        tags,
      },
      parent,
    );

    // The AMI it runs, unless the operator asks for another (machine-image.ts).
    const architecture = architectureOf(config.instanceType);
    const imageId = machineImageId(
      chooseMachineImage(config.machineImage, args.running.machineImage, architecture),
      this,
    );
    this.machineImage = imageId.apply((id) => ({ id, architecture }));
    const region = aws.getRegionOutput({}, parent).region;

    const userData = pulumi
      .all([region, args.appSecrets.secretArn, logGroup.name, metricsLogGroup.name])
      .apply(([regionName, secretArn, logGroupName, metricsLogGroupName]) =>
        renderUserData({
          image: args.image,
          region: regionName,
          secretArn,
          logGroupName,
          metricsLogGroupName,
          metricNamespace: metricNamespace(config),
          // One more hop only once every request comes through the CDN (a direct one could name any address).
          trustedProxyHops: trustedProxyHops(args.originLock !== undefined),
          databasePoolMax: connectionBudget({ ...config, platform: 'ec2' }).poolSize,
        }),
      );

    const instanceTags = named(tags, `${name}-service`);
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-lt`,
      {
        description: 'polls service instance',
        imageId,
        instanceType: config.instanceType,
        iamInstanceProfile: { arn: role.instanceProfileArn },
        vpcSecurityGroupIds: [instanceAccess.securityGroupId],
        metadataOptions: imdsV2Only,
        blockDeviceMappings: [encryptedRootVolume(rootVolumeGb)],
        userData: userData.apply((script) => Buffer.from(script).toString('base64')),
        updateDefaultVersion: true,
        tagSpecifications: ['instance', 'volume', 'network-interface'].map((resourceType) => ({
          resourceType,
          tags: instanceTags,
        })),
        tags,
      },
      parent,
    );

    const group = new aws.autoscaling.Group(
      `${name}-asg`,
      {
        vpcZoneIdentifiers: network.privateSubnetIds,
        minSize: config.minReplicas,
        maxSize: config.maxReplicas,
        launchTemplate: {
          id: launchTemplate.id,
          version: pulumi.interpolate`${launchTemplate.latestVersion}`,
        },
        targetGroupArns: [loadBalancer.targetGroupArn],
        // The load balancer's readiness probe decides health, not just "the VM is running".
        healthCheckType: 'ELB',
        healthCheckGracePeriod: healthCheckGraceSeconds,
        defaultInstanceWarmup: instanceWarmupSeconds,
        // On creation, `pulumi up` waits until the first instances serve.
        minElbCapacity: config.minReplicas,
        waitForCapacityTimeout: '15m',
        // A new launch template version (image, AMI, settings) replaces instances, never dropping below min.
        // No autoRollback: the provider moves the group to the new version before it starts the refresh, so
        // AWS would "roll back" to that same version (terraform-provider-aws #34189, internal/service/
        // autoscaling/group.go). A failed refresh stops instead, and the pipeline deploys the previous image
        // again (stacks/pipeline/rollout.ts), which moves the group, its template and the outputs back to it.
        instanceRefresh: {
          strategy: 'Rolling',
          preferences: {
            minHealthyPercentage: 100,
            maxHealthyPercentage: 200,
            instanceWarmup: String(instanceWarmupSeconds),
            skipMatching: true,
            autoRollback: false,
          },
        },
        enabledMetrics: ['GroupDesiredCapacity', 'GroupInServiceInstances', 'GroupMaxSize', 'GroupMinSize'],
        tags: Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: false })),
      },
      // minElbCapacity waits for healthy targets, which only a listener's health checks can make healthy:
      // with a domain that listener waits for certificate validation, which must not eat the ASG's timeout.
      { parent: this, dependsOn: [loadBalancer.forwardingListener] },
    );

    new aws.autoscaling.Policy(
      `${name}-cpu-target`,
      {
        autoscalingGroupName: group.name,
        policyType: 'TargetTrackingScaling',
        targetTrackingConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
          targetValue: config.targetCpuUtilization,
        },
      },
      parent,
    );

    this.url = loadBalancer.url;
    this.telemetry = {
      kind: 'ec2',
      loadBalancer: loadBalancer.arnSuffix,
      targetGroup: loadBalancer.targetGroupArnSuffix,
      autoScalingGroupName: group.name,
      // awslogs writes each JSON line of the service as the event itself.
      accessLog: { logGroupName: logGroup.name, fieldPrefix: '' },
    };
    this.originHostname = loadBalancer.hostname;
    this.siteRecord = loadBalancer.siteRecord;
    this.certificateValidationRecord = loadBalancer.certificateValidationRecord;
    // `pulumi up` returns once the refresh has started; the pipeline waits for it to end.
    this.rollout = group.name.apply((autoScalingGroupName) => ({
      kind: 'instance-refresh' as const,
      autoScalingGroupName,
    }));
    this.registerOutputs({ url: this.url, rollout: this.rollout });
  }
}
