import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Tags } from '../tags';
import { serviceTrustPolicy } from '../trust-policy';

export interface InstanceRoleArgs {
  /** The ECR repository the instances pull the image from. */
  repositoryArn: pulumi.Input<string>;
  /** The Secrets Manager secret holding the service's secret environment. */
  secretArn: pulumi.Input<string>;
  /** The log groups the instance writes to: the containers' logs, the CloudWatch agent's metric events. */
  logGroupArns: pulumi.Input<string>[];
  tags: Tags;
}

/** AWS's policy for Session Manager: the agent's channel, no inbound port, no SSH key. */
export const sessionManagerPolicyArn = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';

/** The statements of the instances' own policy: pull one repository, read one secret, write its log groups. */
export function instancePolicyDocument(
  repositoryArn: string,
  secretArn: string,
  logGroupArns: string[],
): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      // A registry login token cannot be scoped to a repository; the pull actions below are.
      { Sid: 'RegistryLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      {
        Sid: 'PullServiceImage',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Resource: repositoryArn,
      },
      {
        Sid: 'ReadAppSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: secretArn,
      },
      {
        Sid: 'WriteServiceLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: logGroupArns.flatMap((arn) => [arn, `${arn}:*`]),
      },
    ],
  });
}

/** The role the service instances run as, and its instance profile. */
export class InstanceRole extends pulumi.ComponentResource {
  readonly instanceProfileArn: pulumi.Output<string>;

  constructor(name: string, args: InstanceRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:ec2:InstanceRole', name, {}, opts);
    const parent = { parent: this };

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: 'polls service instances',
        assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com', { tagSession: false }),
        tags: args.tags,
      },
      parent,
    );
    const sessionManager = new aws.iam.RolePolicyAttachment(
      `${name}-ssm`,
      { role: role.name, policyArn: sessionManagerPolicyArn },
      parent,
    );
    const servicePolicy = new aws.iam.RolePolicy(
      `${name}-service`,
      {
        role: role.name,
        policy: pulumi
          .all([args.repositoryArn, args.secretArn, pulumi.all(args.logGroupArns)])
          .apply(([repository, secret, logGroups]) => instancePolicyDocument(repository, secret, logGroups)),
      },
      parent,
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { role: role.name, tags: args.tags },
      parent,
    );
    // Instances launched through the profile start once its permissions exist, so their first boot succeeds.
    this.instanceProfileArn = pulumi
      .all([profile.arn, sessionManager.id, servicePolicy.id])
      .apply(([profileArn]) => profileArn);
    this.registerOutputs({ instanceProfileArn: this.instanceProfileArn });
  }
}
