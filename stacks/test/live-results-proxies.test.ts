import assert from 'node:assert/strict';
import { workloadFor } from './k8s-fixtures';
import { ec2Stack } from './support/ec2-stacks';

/**
 * How often an idle live-results stream carries a heartbeat (service/src/polls/live-results/live-counts.ts).
 * A proxy that waits less than this for a byte cuts idle streams, and their clients reconnect for nothing.
 */
const heartbeatSeconds = 15;

describe('proxies in front of the live-results streams', () => {
  it('keep an idle stream open on the ALB through several heartbeats', async () => {
    const run = await ec2Stack('dev');
    const idleTimeout = run.one('aws:lb/loadBalancer:LoadBalancer').inputs.idleTimeout as number;
    assert.ok(idleTimeout >= 3 * heartbeatSeconds, `ALB idle timeout ${idleTimeout} s`);
  });

  for (const [label, overrides] of [
    ['with a domain', {}],
    ['without a domain', { domain: undefined }],
  ] as const) {
    it(`keep an idle stream open on the NGINX ingress through several heartbeats, ${label}`, () => {
      const annotations = workloadFor(overrides).ingress.metadata?.annotations ?? {};
      const readTimeout = /^(\d+)s$/.exec(annotations['nginx.org/proxy-read-timeout'] ?? '')?.[1];
      assert.ok(Number(readTimeout) >= 3 * heartbeatSeconds, `proxy read timeout ${readTimeout} s`);
      assert.equal(annotations['nginx.org/proxy-buffering'], undefined, 'buffering off for every page');
    });
  }
});
