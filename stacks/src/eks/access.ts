import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { Tags } from '../tags';

/**
 * Cluster-admin access for the identity running `pulumi up`, through an access entry (API authentication
 * mode). An assumed role's session ARN is turned into the role's own ARN, path included, which is what an
 * access entry needs. The Kubernetes provider depends on the returned association.
 */
export function deployerAccess(
  name: string,
  cluster: aws.eks.Cluster,
  tags: Tags,
  opts: pulumi.CustomResourceOptions,
): aws.eks.AccessPolicyAssociation {
  const caller = aws.getCallerIdentityOutput({}, opts);
  const principalArn = aws.iam.getSessionContextOutput({ arn: caller.arn }, opts).issuerArn;
  const entry = new aws.eks.AccessEntry(
    `${name}-deployer-access`,
    { clusterName: cluster.name, principalArn, type: 'STANDARD', tags },
    opts,
  );
  return new aws.eks.AccessPolicyAssociation(
    `${name}-deployer-admin`,
    {
      clusterName: cluster.name,
      principalArn: entry.principalArn,
      policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      accessScope: { type: 'cluster' },
    },
    opts,
  );
}
