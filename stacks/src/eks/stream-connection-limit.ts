import { streamLimits } from '../service-contract';

/**
 * The ingress controller's share of the per-address stream limit: NGINX's limit_conn, keyed on the client's
 * address, counting only the live-results stream paths (a request whose key is empty is not counted: nginx's
 * ngx_http_limit_conn_module docs). F5 NGINX Ingress Controller has no annotation or Policy field for
 * connection limits; its migration guide from ingress-nginx ("Migrate from Ingress-NGINX Controller",
 * limit-connections) maps them to snippets. These are ConfigMap keys (`http-snippets`, `location-snippets`),
 * which the controller reads without `-enable-snippets` (internal/configs/configmaps.go, ParseConfigMap), so
 * Ingress annotations stay unable to inject configuration.
 *
 * NGINX counts a connection while its request is in progress, so for a stream its whole life; each controller
 * replica counts its own, as each service replica does (MAX_STREAMS_PER_ADDRESS, the same number). Over it
 * NGINX answers 429, as the service would.
 *
 * The client's address: without a CDN the NLB keeps it (externalTrafficPolicy Local), so it is the peer's.
 * Behind CloudFront the peer is an edge server shared by many viewers; CloudFront appends the viewer's
 * address to X-Forwarded-For, and the origin check admits only requests that came through it, so the last
 * entry is the viewer's.
 */
export function streamConnectionLimitEntries(
  behindCdn: boolean,
  perAddress: number = streamLimits.maxStreamsPerAddress,
): Record<string, string> {
  const client = behindCdn ? '$polls_viewer' : '$binary_remote_addr';
  return {
    'http-snippets': [
      ...(behindCdn
        ? [
            'map $http_x_forwarded_for $polls_viewer {',
            '    "~(?<last>[^,\\s]+)\\s*$" $last;',
            '    default $remote_addr;',
            '}',
          ]
        : []),
      'map $uri $polls_stream_client {',
      `    "~/events$" ${client};`,
      '    default "";',
      '}',
      'limit_conn_zone $polls_stream_client zone=polls_streams:10m;',
    ].join('\n'),
    'location-snippets': [`limit_conn polls_streams ${perAddress};`, 'limit_conn_status 429;'].join('\n'),
  };
}
