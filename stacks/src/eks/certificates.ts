import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { clusterIssuerName } from '../k8s/settings-from-config';
import type { Tags } from '../tags';
import { childrenMovedInto } from '../moved-children';
import { serviceTrustPolicy } from '../trust-policy';

/**
 * HTTPS for `domain` comes from cert-manager and Let's Encrypt rather than ACM: an ACM certificate can only
 * sit on the load balancer, and an NLB that ends TLS hands NGINX plain HTTP on both ports with no
 * X-Forwarded-Proto, so NGINX could no longer redirect HTTP to HTTPS. With the certificate in the cluster,
 * the NLB passes TCP through, NGINX ends TLS, redirects and sends HSTS. Challenges are DNS-01 in the Route 53
 * zone, so issuance does not depend on the site being reachable first.
 */
/**
 * 1.21 is supported until 1.23 is released and supports Kubernetes 1.33 to 1.36; 1.19 reached its end of life
 * when 1.21 came out (https://cert-manager.io/docs/releases/, "Currently supported releases", read from
 * cert-manager/website at 776e5db, August 2026). v1.21.1 is its latest patch known here: check for a newer
 * 1.21 patch, or 1.22, at deploy time.
 */
export const certManagerChart = {
  chart: 'cert-manager',
  version: 'v1.21.1',
  repo: 'https://charts.jetstack.io',
} as const;
const certManagerNamespace = 'cert-manager';
/** The chart names its controller's service account after the release. */
const certManagerServiceAccount = 'cert-manager';

export const letsEncryptServer = 'https://acme-v02.api.letsencrypt.org/directory';

export interface CertificateManagerArgs {
  cluster: aws.eks.Cluster;
  provider: k8s.Provider;
  region: pulumi.Input<string>;
  domain: string;
  hostedZoneId: string;
  /** What cert-manager's pods need first: nodes and cluster DNS. */
  after: pulumi.Resource[];
  tags: Tags;
}

/** Lets cert-manager write the TXT records of DNS-01 challenges in the one hosted zone, nothing else. */
function route53ChallengePolicy(hostedZoneId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'route53:GetChange', Resource: 'arn:aws:route53:::change/*' },
      {
        Effect: 'Allow',
        Action: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'],
        Resource: `arn:aws:route53:::hostedzone/${hostedZoneId}`,
        Condition: {
          'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] },
        },
      },
    ],
  });
}

/**
 * cert-manager with AWS credentials through EKS Pod Identity, and the ClusterIssuer the workload's Ingress
 * names. Its children were once created directly under the platform; their aliases keep them.
 */
export class CertificateManager extends pulumi.ComponentResource {
  /** The ClusterIssuer: the Ingress that names it depends on it. */
  readonly issuer: k8s.apiextensions.CustomResource;

  constructor(name: string, args: CertificateManagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:eks:CertificateManager', name, {}, opts);
    const awsOpts = childrenMovedInto(this, opts);
    const k8sOpts = { ...awsOpts, provider: args.provider };
    const role = new aws.iam.Role(
      `${name}-cert-manager-role`,
      {
        assumeRolePolicy: serviceTrustPolicy('pods.eks.amazonaws.com', { tagSession: true }),
        description: 'cert-manager: DNS-01 challenges in the site hosted zone',
        tags: args.tags,
      },
      awsOpts,
    );
    const route53Access = new aws.iam.RolePolicy(
      `${name}-cert-manager-route53`,
      { role: role.name, policy: route53ChallengePolicy(args.hostedZoneId) },
      awsOpts,
    );
    const identity = new aws.eks.PodIdentityAssociation(
      `${name}-cert-manager-identity`,
      {
        clusterName: args.cluster.name,
        namespace: certManagerNamespace,
        serviceAccount: certManagerServiceAccount,
        roleArn: role.arn,
        tags: args.tags,
      },
      awsOpts,
    );

    const release = new k8s.helm.v3.Release(
      `${name}-cert-manager`,
      {
        name: 'cert-manager',
        namespace: certManagerNamespace,
        createNamespace: true,
        chart: certManagerChart.chart,
        version: certManagerChart.version,
        repositoryOpts: { repo: certManagerChart.repo },
        values: { crds: { enabled: true } },
        atomic: true,
        timeout: 600,
      },
      // Pod Identity injects credentials when a pod starts: the association and its rights must exist first.
      { ...k8sOpts, dependsOn: [...args.after, identity, route53Access] },
    );

    this.issuer = new k8s.apiextensions.CustomResource(
      `${name}-cluster-issuer`,
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'ClusterIssuer',
        metadata: { name: clusterIssuerName },
        spec: {
          acme: {
            server: letsEncryptServer,
            privateKeySecretRef: { name: `${clusterIssuerName}-account-key` },
            solvers: [
              {
                selector: { dnsZones: [args.domain] },
                dns01: { route53: { region: args.region, hostedZoneID: args.hostedZoneId } },
              },
            ],
          },
        },
      },
      { ...k8sOpts, dependsOn: [release] },
    );
    this.registerOutputs({ issuerName: clusterIssuerName });
  }
}
