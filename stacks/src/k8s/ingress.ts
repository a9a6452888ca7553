import type { IIngress, IIngressRule } from 'kubernetes-models/networking.k8s.io/v1';
import { httpPortName } from './deployment';
import { serviceName } from './service';
import { componentLabels, type WorkloadSettings } from './settings';

/** How long the controller waits for the next byte of a response (the ALB's idle timeout, alike). */
const streamReadTimeoutSeconds = 60;

export function tlsSecretName(settings: WorkloadSettings): string {
  return `${settings.appName}-tls`;
}

/**
 * Routes every path to the web Service. With a domain, cert-manager issues the certificate named in `tls` and
 * the F5 NGINX controller redirects HTTP to HTTPS and sends HSTS (`nginx.org/*` annotations, not the retired
 * community controller's `nginx.ingress.kubernetes.io/*`). Without one, the rule has no host and the controller
 * serves it on the load balancer's own name over HTTP.
 */
export function ingress(settings: WorkloadSettings): IIngress {
  const rule: IIngressRule = {
    http: {
      paths: [
        {
          path: '/',
          pathType: 'Prefix',
          backend: { service: { name: serviceName(settings), port: { name: httpPortName } } },
        },
      ],
    },
  };
  const domain = settings.domain;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: settings.appName,
      namespace: settings.namespace,
      labels: componentLabels(settings, 'web'),
      annotations: {
        // Idle live-results streams get a heartbeat every 15 s (service/src/polls/live-results/live-counts.ts),
        // so the controller must wait longer than that for a byte. Buffering is turned off by the service's
        // `X-Accel-Buffering: no` on the streams alone: every other page keeps NGINX's buffering.
        'nginx.org/proxy-read-timeout': `${streamReadTimeoutSeconds}s`,
        ...(domain && {
          'cert-manager.io/cluster-issuer': settings.clusterIssuer,
          'nginx.org/ssl-redirect': 'true',
          'nginx.org/hsts': 'true',
        }),
      },
    },
    spec: {
      ingressClassName: settings.ingressController.className,
      rules: [domain ? { host: domain, ...rule } : rule],
      ...(domain && { tls: [{ hosts: [domain], secretName: tlsSecretName(settings) }] }),
    },
  };
}
