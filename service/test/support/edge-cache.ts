import { cachedPaths, rootRedirectLocation } from '../../../stacks/src/cdn/edge-rules.js';
import { healthPaths } from '../../../stacks/src/service-contract.js';

export interface EdgeCacheLayout {
  /** Everything nginx writes (pid, logs, cache, temp files) lives under this directory. */
  readonly prefix: string;
  readonly listenPort: number;
  readonly originPort: number;
}

/**
 * Debian's nginx as a stand-in for the CDN, configured from the same rules the stacks give CloudFront
 * (stacks/src/cdn/edge-rules.ts): the cached paths keyed on the path and the compression only, no cookies
 * or query strings sent to the origin for them, freshness as the service's Cache-Control says (nginx reads
 * s-maxage before max-age), the root redirected and the health and metrics paths refused at the edge,
 * everything else passed through uncached.
 * `X-Cache-Status` tells what the cache did.
 */
export function edgeCacheConfig({ prefix, listenPort, originPort }: EdgeCacheLayout): string {
  const cached = Object.values(cachedPaths).map(({ pathPattern, defaultSeconds }) => {
    const location = pathPattern.endsWith('*') ? pathPattern.slice(0, -1) : `= ${pathPattern}`;
    return `    location ${location} {
      proxy_cache edge;
      # CloudFront's key with only the compression enabled: the path and br, gzip or identity.
      proxy_cache_key "$uri|$edge_coding";
      proxy_set_header Accept-Encoding $edge_coding;
      proxy_set_header Cookie "";
      # A response without Cache-Control is kept for the policy's default TTL.
      proxy_cache_valid 200 ${defaultSeconds}s;
      proxy_pass http://origin$uri;
    }`;
  });
  const refused = Object.values(healthPaths).map((path) => `    location = ${path} { return 404; }`);
  return `# Written by service/test/support/edge-cache.ts for one test run, under ${prefix}.
worker_processes 1;
pid ${prefix}/nginx.pid;
lock_file ${prefix}/nginx.lock;
error_log ${prefix}/error.log warn;

events {
  worker_connections 256;
}

http {
  access_log off;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  proxy_cache_path ${prefix}/cache keys_zone=edge:1m;

  map $http_accept_encoding $edge_coding {
    ~*\\bbr\\b br;
    ~*\\bgzip\\b gzip;
    default "";
  }

  upstream origin {
    server 127.0.0.1:${originPort};
  }

  server {
    listen 127.0.0.1:${listenPort};
    proxy_http_version 1.1;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    add_header X-Cache-Status $upstream_cache_status always;

    # As the CloudFront function answers: a relative Location.
    absolute_redirect off;
    location = / { return 302 ${rootRedirectLocation}; }
${refused.join('\n')}
${cached.join('\n')}
    location / {
      proxy_pass http://origin;
    }
  }
}
`;
}
