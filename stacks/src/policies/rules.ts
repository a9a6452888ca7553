import type { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from '@pulumi/policy';
import { requiredTagKeys } from '../tags';

/** Reads a property path of a resource's inputs without trusting their shape. */
function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** A policy that checks the resources of some types, each with its own check. */
function policy(
  name: string,
  description: string,
  checks: Record<string, (props: Record<string, unknown>, report: ReportViolation) => void>,
): ResourceValidationPolicy {
  return {
    name,
    description,
    enforcementLevel: 'mandatory',
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) =>
      checks[args.type]?.(args.props, report),
  };
}

const internet = ['0.0.0.0/0', '::/0'];
const sshPort = 22;

/** Whether an ingress rule's protocol and port range let SSH through. */
function coversSsh(protocol: unknown, fromPort: unknown, toPort: unknown): boolean {
  if (protocol === '-1' || protocol === 'all') return true;
  if (protocol !== 'tcp' && protocol !== '6') return false;
  return Number(fromPort) <= sshPort && sshPort <= Number(toPort);
}

function reportSshFromInternet(rule: unknown, report: ReportViolation): void {
  const sources = [field(rule, 'cidrIpv4'), field(rule, 'cidrIpv6'), ...list(field(rule, 'cidrBlocks'))];
  sources.push(...list(field(rule, 'ipv6CidrBlocks')));
  const fromInternet = sources.some((source) => internet.includes(String(source)));
  const protocol = field(rule, 'ipProtocol') ?? field(rule, 'protocol');
  if (fromInternet && coversSsh(protocol, field(rule, 'fromPort'), field(rule, 'toPort'))) {
    report('SSH (port 22) must not be open to the internet: use Session Manager.');
  }
}

const databaseNotPublic = policy('database-not-public', 'RDS instances are never publicly accessible.', {
  'aws:rds/instance:Instance': (props, report) => {
    if (isTrue(props.publiclyAccessible)) report('The database must not be publicly accessible.');
  },
});

const databaseTlsRequired = policy(
  'database-tls-required',
  'RDS parameter groups never turn forced TLS off.',
  {
    'aws:rds/parameterGroup:ParameterGroup': (props, report) => {
      const forceSsl = list(props.parameters).find(
        (parameter) => field(parameter, 'name') === 'rds.force_ssl',
      );
      if (forceSsl && String(field(forceSsl, 'value')) === '0') report('rds.force_ssl must stay 1.');
    },
  },
);

const storageEncrypted = policy(
  'storage-encrypted',
  'Database storage and EBS volumes are encrypted at rest.',
  {
    'aws:rds/instance:Instance': (props, report) => {
      if (!isTrue(props.storageEncrypted))
        report('The database storage must be encrypted (storageEncrypted).');
    },
    'aws:ebs/volume:Volume': (props, report) => {
      if (!isTrue(props.encrypted)) report('EBS volumes must be encrypted.');
    },
    'aws:ec2/launchTemplate:LaunchTemplate': (props, report) => {
      for (const mapping of list(props.blockDeviceMappings)) {
        const ebs = field(mapping, 'ebs');
        if (ebs !== undefined && !isTrue(field(ebs, 'encrypted'))) {
          report(`The volume ${String(field(mapping, 'deviceName'))} must be encrypted.`);
        }
      }
    },
  },
);

const noSshFromInternet = policy('no-ssh-from-internet', 'No security group admits SSH from the internet.', {
  'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule': reportSshFromInternet,
  'aws:ec2/securityGroupRule:SecurityGroupRule': (props, report) => {
    if (props.type === 'ingress') reportSshFromInternet(props, report);
  },
  'aws:ec2/securityGroup:SecurityGroup': (props, report) => {
    for (const rule of list(props.ingress)) reportSshFromInternet(rule, report);
  },
});

function requireImdsV2(props: Record<string, unknown>, report: ReportViolation): void {
  if (field(props, 'metadataOptions', 'httpTokens') !== 'required') {
    report('Instances must require IMDSv2 (metadataOptions.httpTokens = "required").');
  }
}

const imdsV2Required = policy('imdsv2-required', 'EC2 instances accept only IMDSv2 session tokens.', {
  'aws:ec2/launchTemplate:LaunchTemplate': requireImdsV2,
  'aws:ec2/instance:Instance': requireImdsV2,
});

const modernTls = policy('modern-tls', 'HTTPS listeners use a TLS 1.3 security policy.', {
  'aws:lb/listener:Listener': (props, report) => {
    if (props.protocol !== 'HTTPS' && props.protocol !== 'TLS') return;
    if (!String(props.sslPolicy ?? '').startsWith('ELBSecurityPolicy-TLS13-')) {
      report('HTTPS listeners must use an ELBSecurityPolicy-TLS13-* policy.');
    }
  },
});

/** CloudFront's viewer security policies from TLSv1.2_2021 on (ViewerCertificate, CloudFront API Reference). */
const modernViewerTls = ['TLSv1.2_2021', 'TLSv1.2_2025', 'TLSv1.3_2025'];

const cdnHttpsOnly = policy(
  'cdn-https-only',
  'CloudFront answers HTTP only with a redirect to HTTPS, with TLSv1.2_2021 or newer on a certificate of ours.',
  {
    'aws:cloudfront/distribution:Distribution': (props, report) => {
      const behaviours = [field(props, 'defaultCacheBehavior'), ...list(props.orderedCacheBehaviors)];
      const viewerProtocols = behaviours.map((behaviour) => field(behaviour, 'viewerProtocolPolicy'));
      if (viewerProtocols.some((protocol) => protocol !== 'redirect-to-https' && protocol !== 'https-only')) {
        report('Every cache behaviour must redirect HTTP to HTTPS (or refuse HTTP).');
      }
      // With CloudFront's own certificate CloudFront sets the policy itself; with ours it must be modern.
      const certificate = field(props, 'viewerCertificate');
      if (
        !isTrue(field(certificate, 'cloudfrontDefaultCertificate')) &&
        !modernViewerTls.includes(String(field(certificate, 'minimumProtocolVersion')))
      ) {
        report(`A custom certificate must use one of ${modernViewerTls.join(', ')}.`);
      }
    },
  },
);

const registryImmutableAndScanned = policy(
  'registry-immutable-scanned',
  'ECR tags are immutable and scanned.',
  {
    'aws:ecr/repository:Repository': (props, report) => {
      if (props.imageTagMutability !== 'IMMUTABLE') report('Image tags must be immutable.');
      if (!isTrue(field(props, 'imageScanningConfiguration', 'scanOnPush')))
        report('Images must be scanned on push.');
    },
  },
);

/** A URL with a password in it, or a secret variable assigned a literal value. */
const credentialPatterns = [
  /[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+:[^\s/@'"$]+@/i,
  /\b(?:[A-Z_]*PASSWORD|DATABASE_URL|SESSION_KEYS|AWS_SECRET_ACCESS_KEY)=['"]?[^\s'"$]/,
];

function reportCredentialsInUserData(encoded: unknown, report: ReportViolation): void {
  if (typeof encoded !== 'string') return;
  const script = Buffer.from(encoded, 'base64').toString('utf8');
  if (credentialPatterns.some((pattern) => pattern.test(script))) {
    report('User data must not carry credentials: instances fetch secrets at boot through their role.');
  }
}

const noCredentialsInUserData = policy(
  'no-credentials-in-user-data',
  'User data (readable by anyone who can describe the instance) carries no credentials.',
  {
    'aws:ec2/launchTemplate:LaunchTemplate': (props, report) =>
      reportCredentialsInUserData(props.userData, report),
    'aws:ec2/instance:Instance': (props, report) => reportCredentialsInUserData(props.userDataBase64, report),
  },
);

/** AWS resource types that take no tags; every other `aws:` resource must carry the stack's tags. */
export const untaggableTypes = new Set([
  'aws:acm/certificateValidation:CertificateValidation',
  'aws:autoscaling/attachment:Attachment',
  'aws:autoscaling/policy:Policy',
  'aws:cloudwatch/dashboard:Dashboard',
  'aws:cloudwatch/logMetricFilter:LogMetricFilter',
  'aws:cloudwatch/queryDefinition:QueryDefinition',
  'aws:cloudfront/cachePolicy:CachePolicy',
  'aws:cloudfront/originRequestPolicy:OriginRequestPolicy',
  'aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation',
  'aws:ec2/route:Route',
  'aws:ec2/routeTableAssociation:RouteTableAssociation',
  'aws:ec2/securityGroupRule:SecurityGroupRule',
  'aws:ec2/tag:Tag',
  'aws:ecr/lifecyclePolicy:LifecyclePolicy',
  'aws:ecr/repositoryPolicy:RepositoryPolicy',
  'aws:eks/accessPolicyAssociation:AccessPolicyAssociation',
  'aws:iam/policyAttachment:PolicyAttachment',
  'aws:iam/rolePolicy:RolePolicy',
  'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
  'aws:kms/alias:Alias',
  'aws:lb/targetGroupAttachment:TargetGroupAttachment',
  'aws:route53/record:Record',
  'aws:secretsmanager/secretPolicy:SecretPolicy',
  'aws:secretsmanager/secretVersion:SecretVersion',
  'aws:sns/topicSubscription:TopicSubscription',
]);

function tagKeys(type: string, props: Record<string, unknown>): string[] {
  // Auto Scaling groups take a list of {key, value}; everything else a map.
  if (type === 'aws:autoscaling/group:Group') return list(props.tags).map((tag) => String(field(tag, 'key')));
  const tags = props.tags;
  return typeof tags === 'object' && tags !== null ? Object.keys(tags) : [];
}

const requiredTags: ResourceValidationPolicy = {
  name: 'required-tags',
  description: `Every taggable AWS resource carries the ${requiredTagKeys.join(', ')} tags.`,
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (!args.type.startsWith('aws:') || untaggableTypes.has(args.type)) return;
    const keys = tagKeys(args.type, args.props);
    const missing = requiredTagKeys.filter((key) => !keys.includes(key));
    if (missing.length > 0) report(`Missing tags: ${missing.join(', ')}.`);
  },
};

/** The rules every stack of the project must satisfy, whatever its platform. */
export const policies: ResourceValidationPolicy[] = [
  databaseNotPublic,
  databaseTlsRequired,
  storageEncrypted,
  noSshFromInternet,
  imdsV2Required,
  modernTls,
  cdnHttpsOnly,
  registryImmutableAndScanned,
  noCredentialsInUserData,
  requiredTags,
];
