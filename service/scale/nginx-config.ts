import path from 'node:path';
import { accessLogFormat } from './nginx-logs.js';

export interface NginxLayout {
  /** The prefix directory: pid file, logs and temp paths all live in it, nothing in /etc or /var. */
  readonly prefix: string;
  readonly listenPort: number;
  readonly backendPorts: readonly number[];
}

/**
 * nginx in front of the replicas as a cloud load balancer would be: round-robin over keep-alive
 * connections, a backend that fails is skipped for a while, and a request is tried on another backend only
 * when that cannot count anything twice.
 */
export function nginxConfig({ prefix, listenPort, backendPorts }: NginxLayout): string {
  const at = (name: string) => path.join(prefix, name);
  const backends = backendPorts.map(
    // One failure takes a backend out for 2 s: a refused connect is certain, not a hint.
    (port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=2s;`,
  );
  return `# Written by the scale test (service/scale/nginx-config.ts) for one run; everything lives under
# ${prefix}.
worker_processes 1;
pid ${at('nginx.pid')};
lock_file ${at('nginx.lock')};
error_log ${at('error.log')} warn;

events {
  worker_connections 1024;
}

http {
  log_format scale '${accessLogFormat}';
  access_log ${at('access.log')} scale;
  client_body_temp_path ${at('temp/client_body')};
  proxy_temp_path ${at('temp/proxy')};
  fastcgi_temp_path ${at('temp/fastcgi')};
  uwsgi_temp_path ${at('temp/uwsgi')};
  scgi_temp_path ${at('temp/scgi')};

  upstream polls {
${backends.join('\n')}
    # Idle connections kept open to the replicas. nginx closes them after 60 s, before the service's
    # 65 s keep-alive timeout, so a request never lands on a connection the backend is closing.
    keepalive 32;
  }

  server {
    listen 127.0.0.1:${listenPort};

    # For every location below (a location inherits the proxy settings it does not set itself).
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_connect_timeout 1s;

    # Pass a request on to another replica when its replica is dead (a refused or timed-out connect, a
    # cut connection). For a GET any time; for a POST only while nothing of it reached a backend: once a
    # vote was sent, the replica may have counted it before dying, and sending it again could count it
    # twice, so the client gets the 502 (non_idempotent is deliberately not listed).
    # Not http_503: this service answers 503 when the database is unavailable, which is the same for
    # every replica, so a retry cannot help; and nginx would count each 503 as a replica failure, take
    # every replica out for fail_timeout and answer "no live upstreams" even after the database is back
    # (the scale test saw 2.75 s of that).
    # A live-results stream answers its headers at once, so it is passed on only while it is opening:
    # once a byte reached the client nginx never retries, and a stream cut by its replica's death ends.
    proxy_next_upstream error timeout http_502;
    proxy_next_upstream_tries 3;
    proxy_next_upstream_timeout 10s;

    location / {
      proxy_pass http://polls;
      proxy_read_timeout 15s;
    }

    # The live-results streams (Server-Sent Events): idle but for a heartbeat every 15 s, so nginx waits
    # 60 s for a byte, as the ALB (idle timeout) and the NGINX ingress (proxy read timeout) of the stacks
    # do; 15 s would race the heartbeat. The service's X-Accel-Buffering: no turns buffering off for them.
    location ~ ^/(polls/[^/]+/results|api/questions/[^/]+)/events/?$ {
      proxy_pass http://polls;
      proxy_read_timeout 60s;
    }
  }
}
`;
}
