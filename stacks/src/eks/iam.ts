import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { Tags } from '../tags';
import { serviceTrustPolicy } from '../trust-policy';

/** A role for an AWS service with AWS-managed policies attached, each attachment a resource of its own. */
export function serviceRole(
  name: string,
  args: { service: string; tagSession: boolean; managedPolicies: string[]; description: string; tags: Tags },
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  const role = new aws.iam.Role(
    name,
    {
      assumeRolePolicy: serviceTrustPolicy(args.service, { tagSession: args.tagSession }),
      description: args.description,
      tags: args.tags,
    },
    opts,
  );
  for (const policy of args.managedPolicies) {
    new aws.iam.RolePolicyAttachment(
      `${name}-${policy}`,
      { role: role.name, policyArn: `arn:aws:iam::aws:policy/${policy}` },
      opts,
    );
  }
  return role;
}
