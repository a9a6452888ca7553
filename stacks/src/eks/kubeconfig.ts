/**
 * A kubeconfig for the cluster that authenticates through `aws eks get-token` as whoever runs kubectl (or
 * Pulumi), so it holds no credentials; it is still exported as a secret. The region comes from the ARN.
 */
export function kubeconfig(cluster: {
  name: string;
  arn: string;
  endpoint: string;
  certificateAuthority: string;
}): string {
  const region = cluster.arn.split(':')[3] ?? '';
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster.name,
        cluster: { server: cluster.endpoint, 'certificate-authority-data': cluster.certificateAuthority },
      },
    ],
    contexts: [{ name: cluster.name, context: { cluster: cluster.name, user: cluster.name } }],
    'current-context': cluster.name,
    users: [
      {
        name: cluster.name,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'aws',
            args: [
              'eks',
              'get-token',
              '--cluster-name',
              cluster.name,
              '--region',
              region,
              '--output',
              'json',
            ],
            interactiveMode: 'Never',
          },
        },
      },
    ],
  });
}
