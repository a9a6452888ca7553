import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { Tags } from '../tags';
import { serviceTrustPolicy } from '../trust-policy';

export interface ServiceRole {
  role: aws.iam.Role;
  /**
   * What uses the role must depend on these (the provider's documentation for EKS clusters and node groups):
   * then it starts with its permissions, and on destroy it is gone before they are, so EKS can still delete
   * the EC2 infrastructure it manages.
   */
  policyAttachments: aws.iam.RolePolicyAttachment[];
}

/** A role for an AWS service with AWS-managed policies attached, each attachment a resource of its own. */
export function serviceRole(
  name: string,
  args: { service: string; tagSession: boolean; managedPolicies: string[]; description: string; tags: Tags },
  opts: pulumi.CustomResourceOptions,
): ServiceRole {
  const role = new aws.iam.Role(
    name,
    {
      assumeRolePolicy: serviceTrustPolicy(args.service, { tagSession: args.tagSession }),
      description: args.description,
      tags: args.tags,
    },
    opts,
  );
  const policyAttachments = args.managedPolicies.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-${policy}`,
        { role: role.name, policyArn: `arn:aws:iam::aws:policy/${policy}` },
        opts,
      ),
  );
  return { role, policyAttachments };
}
