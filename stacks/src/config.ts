import * as pulumi from '@pulumi/pulumi';
import { architectureOf, type Architecture } from './architecture';
import {
  boolean,
  integer,
  InvalidValue,
  listOf,
  matching,
  oneOf,
  oneOfOr,
  optional,
  text,
  type Parser,
} from './config-parsers';
import { defaultKubernetesVersion, kubernetesReleases } from './kubernetes-versions';
import { instanceClassMemoryGib } from './database-capacity';

export type Platform = 'ec2' | 'eks';

/** Everything the program reads from the `polls:` namespace, validated once by {@link loadStackConfig}. */
export interface StackConfig {
  project: string;
  stack: string;
  platform: Platform;
  /** Container image to run; when unset, the image the stack runs now (see image-choice.ts). */
  image?: string;
  /** Build only the network, registry, database and secrets: the first deploy, before an image exists. */
  foundationOnly: boolean;
  domain?: string;
  /** Route 53 hosted zone that validates the certificate for `domain`. */
  hostedZoneId?: string;
  vpcCidr: string;
  azCount: number;
  natGatewayPerAz: boolean;
  dbInstanceClass: string;
  dbAllocatedStorage: number;
  dbMultiAz: boolean;
  dbBackupRetentionDays: number;
  dbDeletionProtection: boolean;
  dbFinalSnapshot: boolean;
  /** Apply class, storage and multi-AZ changes during `pulumi up` instead of the next maintenance window. */
  dbApplyImmediately: boolean;
  minReplicas: number;
  maxReplicas: number;
  targetCpuUtilization: number;
  logRetentionDays: number;
  instanceType: string;
  nodeInstanceType: string;
  /** The CPU architectures the image is built for; instance and node types must run one of them. */
  imageArchitectures: Architecture[];
  nodeMinSize: number;
  nodeMaxSize: number;
  kubernetesVersion: string;
  /** Pay for EKS extended support: the cluster may stay on a version past its standard support. */
  kubernetesExtendedSupport: boolean;
  /** ec2: `ami-…` or `latest`; unset, the instances keep the AMI they run (ec2/machine-image.ts). */
  machineImage?: string;
  /** eks: `default` takes EKS's current default add-on versions; unset, they stay (eks/addon-versions.ts). */
  addonVersions?: 'default';
  clusterEndpointPublicAccess: boolean;
  clusterPublicAccessCidrs: string[];
  /** IAM principals (role or user ARNs) that administer the EKS cluster; required on eks. */
  clusterAdmins: string[];
  /** Addresses the stack's alarm topic mails (each confirms its subscription once). */
  alertEmails: string[];
  /** Alarm thresholds; the database ones are shares of what the instance class has (observability/). */
  alarmErrorRatePercent: number;
  alarmLatencyP99Ms: number;
  alarmDbCpuPercent: number;
  alarmDbFreeStoragePercent: number;
  alarmDbFreeableMemoryPercent: number;
  alarmDbConnectionsPercent: number;
  /** A CloudFront distribution in front of the platform's load balancer, which then admits only it. */
  cdn: boolean;
  /** Raising it replaces the CDN's origin secret; the origin keeps accepting the previous one (cdn/origin-secret.ts). */
  cdnOriginSecretGeneration: number;
  /** An AWS WAF web ACL on the CDN: the AWS common rule set and rate limits on logins and votes. */
  waf: boolean;
}

/** The site's own name, with the Route 53 zone that validates its certificates and holds its records. */
export interface Site {
  domain: string;
  hostedZoneId: string;
}

/** The stack's site, when it has a domain (loadStackConfig guarantees its zone then). */
export function siteOf(config: Pick<StackConfig, 'domain' | 'hostedZoneId'>): Site | undefined {
  return config.domain && config.hostedZoneId
    ? { domain: config.domain, hostedZoneId: config.hostedZoneId }
    : undefined;
}

/** The keys of the config a component reads: it receives those and no others. */
export function configPart<Key extends keyof StackConfig>(
  config: StackConfig,
  keys: readonly Key[],
): Pick<StackConfig, Key> {
  return Object.fromEntries(keys.map((key) => [key, config[key]])) as Pick<StackConfig, Key>;
}

/** Retention periods CloudWatch Logs accepts. */
const logRetentionChoices = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const ipv4Cidr = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\/(?:[12]?\d|3[0-2])$/;
const vpcCidr = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\/(?:1[6-9]|2[0-4])$/;
const hostName = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const iamPrincipalArn = /^arn:aws[a-z-]*:iam::\d{12}:(?:role|user)\/[\w+=,.@/-]+$/;
const ec2InstanceType = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const emailAddress = /^[^@\s]+@[^@\s]+\.[a-z]{2,63}$/i;

/** The parser of every `polls:` key; its defaults are the ones Pulumi.yaml declares (a test keeps them equal). */
const schema = {
  platform: oneOf<Platform>(['ec2', 'eks']),
  image: matching(/^[a-z0-9][\w.\-/:@]*$/, 'a container image reference', optional),
  foundationOnly: boolean(false),
  domain: matching(hostName, 'a lower-case DNS host name', optional),
  hostedZoneId: matching(/^Z[A-Z0-9]{1,31}$/, 'a Route 53 hosted zone id (Z…)', optional),
  vpcCidr: matching(vpcCidr, 'an IPv4 CIDR block from /16 to /24', text('10.0.0.0/16')),
  azCount: integer(2, 2, 6),
  natGatewayPerAz: boolean(false),
  dbInstanceClass: matching(
    /^db\.[a-z0-9-]+\.[a-z0-9]+$/,
    'an RDS instance class (db.…)',
    text('db.t4g.micro'),
  ),
  dbAllocatedStorage: integer(20, 20, 65536),
  dbMultiAz: boolean(false),
  dbBackupRetentionDays: integer(7, 0, 35),
  dbDeletionProtection: boolean(false),
  dbFinalSnapshot: boolean(true),
  dbApplyImmediately: boolean(true),
  minReplicas: integer(2, 1, 100),
  maxReplicas: integer(4, 1, 100),
  targetCpuUtilization: integer(60, 10, 95),
  logRetentionDays: integer(30, 1, 3653),
  instanceType: matching(ec2InstanceType, 'an EC2 instance type', text('t3.small')),
  nodeInstanceType: matching(ec2InstanceType, 'an EC2 instance type', text('t3.medium')),
  imageArchitectures: listOf(['x86_64'], /^(?:x86_64|arm64)$/, 'x86_64 or arm64') as Parser<Architecture[]>,
  nodeMinSize: integer(2, 1, 100),
  nodeMaxSize: integer(4, 1, 100),
  kubernetesVersion: oneOfOr(Object.keys(kubernetesReleases), defaultKubernetesVersion),
  kubernetesExtendedSupport: boolean(false),
  machineImage: matching(/^(?:latest|ami-[0-9a-f]{8,17})$/, 'latest or an AMI id (ami-…)', optional),
  addonVersions: matching(/^default$/, 'default, or unset to keep the running versions', optional) as Parser<
    'default' | undefined
  >,
  clusterEndpointPublicAccess: boolean(true),
  // Empty by default: the public EKS endpoint is open to no one until the stack names who (eks/access.ts).
  clusterPublicAccessCidrs: listOf([], ipv4Cidr, 'IPv4 CIDR blocks', 0),
  // Empty by default (Pulumi.yaml's `[]`): eks requires admins (eks/access.ts), alarms may mail no one.
  clusterAdmins: listOf([], iamPrincipalArn, 'IAM role or user ARNs (arn:aws:iam::<account>:role/…)', 0),
  alertEmails: listOf([], emailAddress, 'e-mail addresses', 0),
  alarmErrorRatePercent: integer(5, 1, 100),
  alarmLatencyP99Ms: integer(1000, 50, 60000),
  alarmDbCpuPercent: integer(80, 10, 100),
  alarmDbFreeStoragePercent: integer(10, 1, 90),
  alarmDbFreeableMemoryPercent: integer(10, 1, 90),
  alarmDbConnectionsPercent: integer(80, 10, 100),
  cdn: boolean(false),
  cdnOriginSecretGeneration: integer(1, 1, 1_000_000),
  waf: boolean(false),
} satisfies { [Key in keyof Omit<StackConfig, 'project' | 'stack'>]-?: Parser<StackConfig[Key]> };

export type ConfigKey = keyof typeof schema;

/** Every `polls:` key the program reads. */
export const configKeys = Object.keys(schema) as ConfigKey[];

/** The value a key takes when it is unset (undefined for required or optional-without-default keys). */
export function configDefault(key: ConfigKey): unknown {
  try {
    return schema[key](undefined);
  } catch {
    return undefined;
  }
}

function parse<Key extends ConfigKey>(key: Key, raw: string | undefined): ReturnType<(typeof schema)[Key]> {
  try {
    return schema[key](raw) as ReturnType<(typeof schema)[Key]>;
  } catch (error) {
    if (error instanceof InvalidValue)
      throw new Error(`polls:${key} ${error.message} (got ${JSON.stringify(raw)})`);
    throw error;
  }
}

function atLeast(key: ConfigKey, value: number, otherKey: ConfigKey, other: number): void {
  if (value < other) throw new Error(`polls:${key} must be at least polls:${otherKey} (${value} < ${other})`);
}

/** The platform's instances (ec2) or nodes (eks) must run an architecture the image is built for. */
function checkArchitecture(config: StackConfig): void {
  const key = config.platform === 'ec2' ? 'instanceType' : 'nodeInstanceType';
  const architecture = architectureOf(config[key]);
  if (!config.imageArchitectures.includes(architecture)) {
    throw new Error(
      `polls:${key} ${config[key]} runs ${architecture} but the image is built for ` +
        `${config.imageArchitectures.join(', ')} (polls:imageArchitectures): choose another type, or build ` +
        `the image for ${architecture} too and add it to polls:imageArchitectures`,
    );
  }
}

/** Reads and validates the stack's `polls:` configuration; any invalid value throws an Error naming its key. */
export function loadStackConfig(): StackConfig {
  const project = pulumi.getProject();
  const raw = pulumi.runtime.allConfig();
  const unknownKeys = Object.keys(raw)
    .filter((key) => key.startsWith(`${project}:`))
    .map((key) => key.slice(project.length + 1))
    .filter((key) => !(configKeys as string[]).includes(key));
  if (unknownKeys.length > 0) {
    throw new Error(`unknown config ${unknownKeys.map((key) => `${project}:${key}`).join(', ')} (a typo?)`);
  }
  const read = <Key extends ConfigKey>(key: Key) => parse(key, raw[`${project}:${key}`]);
  const config: StackConfig = {
    project,
    stack: pulumi.getStack(),
    platform: read('platform'),
    image: read('image'),
    foundationOnly: read('foundationOnly'),
    domain: read('domain'),
    hostedZoneId: read('hostedZoneId'),
    vpcCidr: read('vpcCidr'),
    azCount: read('azCount'),
    natGatewayPerAz: read('natGatewayPerAz'),
    dbInstanceClass: read('dbInstanceClass'),
    dbAllocatedStorage: read('dbAllocatedStorage'),
    dbMultiAz: read('dbMultiAz'),
    dbBackupRetentionDays: read('dbBackupRetentionDays'),
    dbDeletionProtection: read('dbDeletionProtection'),
    dbFinalSnapshot: read('dbFinalSnapshot'),
    dbApplyImmediately: read('dbApplyImmediately'),
    minReplicas: read('minReplicas'),
    maxReplicas: read('maxReplicas'),
    targetCpuUtilization: read('targetCpuUtilization'),
    logRetentionDays: read('logRetentionDays'),
    instanceType: read('instanceType'),
    nodeInstanceType: read('nodeInstanceType'),
    imageArchitectures: read('imageArchitectures'),
    nodeMinSize: read('nodeMinSize'),
    nodeMaxSize: read('nodeMaxSize'),
    kubernetesVersion: read('kubernetesVersion'),
    kubernetesExtendedSupport: read('kubernetesExtendedSupport'),
    machineImage: read('machineImage'),
    addonVersions: read('addonVersions'),
    clusterEndpointPublicAccess: read('clusterEndpointPublicAccess'),
    clusterPublicAccessCidrs: read('clusterPublicAccessCidrs'),
    clusterAdmins: read('clusterAdmins'),
    alertEmails: read('alertEmails'),
    alarmErrorRatePercent: read('alarmErrorRatePercent'),
    alarmLatencyP99Ms: read('alarmLatencyP99Ms'),
    alarmDbCpuPercent: read('alarmDbCpuPercent'),
    alarmDbFreeStoragePercent: read('alarmDbFreeStoragePercent'),
    alarmDbFreeableMemoryPercent: read('alarmDbFreeableMemoryPercent'),
    alarmDbConnectionsPercent: read('alarmDbConnectionsPercent'),
    cdn: read('cdn'),
    cdnOriginSecretGeneration: read('cdnOriginSecretGeneration'),
    waf: read('waf'),
  };
  atLeast('maxReplicas', config.maxReplicas, 'minReplicas', config.minReplicas);
  atLeast('nodeMaxSize', config.nodeMaxSize, 'nodeMinSize', config.nodeMinSize);
  if (!logRetentionChoices.includes(config.logRetentionDays)) {
    throw new Error(`polls:logRetentionDays must be one of ${logRetentionChoices.join(', ')}`);
  }
  checkArchitecture(config);
  // The database alarms are shares of the class's memory: refuse a class whose size is unknown now.
  instanceClassMemoryGib(config.dbInstanceClass);
  if (config.cdn && config.domain === undefined) {
    throw new Error(
      'polls:cdn needs polls:domain (and polls:hostedZoneId): CloudFront reaches the load balancer over HTTPS ' +
        'only with a certificate for the site’s name; without one that leg, passwords and cookies included, ' +
        'would cross the internet in plain HTTP (docs/deploying.md, "The CDN"); set it: pulumi config set ' +
        'polls:domain <name>, pulumi config set polls:hostedZoneId <zone>',
    );
  }
  if (config.waf && !config.cdn) {
    throw new Error('polls:waf needs polls:cdn: the web ACL sits on the CloudFront distribution');
  }
  if (config.domain !== undefined && config.hostedZoneId === undefined) {
    throw new Error('polls:hostedZoneId is required when polls:domain is set (it validates the certificate)');
  }
  return config;
}
