/**
 * The trust policy of a role that one AWS service assumes (EC2 instances, the EKS control plane, EKS Pod
 * Identity). Services that tag their sessions (EKS) need `sts:TagSession` as well.
 */
export function serviceTrustPolicy(service: string, options: { tagSession: boolean }): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: options.tagSession ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole'],
      },
    ],
  });
}
