import assert from 'node:assert/strict';
import { workloadFor } from './k8s-fixtures';
import { behaviourFor, matchesPathPattern } from './support/cloudfront-paths';
import { ec2Stack, testImage, testSite } from './support/ec2-stacks';
import { revealed } from './support/inputs';
import { runProgram } from './support/program';

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

interface Behaviour {
  pathPattern?: string;
  cachePolicyId: string;
  originRequestPolicyId: string;
  allowedMethods: string[];
}

/** A question's two streams, as the service routes them (service/src/polls/live-results/routes.ts). */
const streamPaths = ['/polls/7/results/events', '/api/questions/7/events'];
/**
 * The managed policies by the IDs the CloudFront Developer Guide gives ("Use managed cache policies",
 * "Use managed origin request policies"), written out here so that a wrong constant in the stacks fails.
 */
const cachingDisabled = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
/** Every header, cookie and query string of the viewer's request reaches the origin: Last-Event-ID too. */
const allViewer = '216adef6-5c7f-47e4-b989-5492eafa07d3';

describe('the CDN in front of the live-results streams', () => {
  let distribution: Record<string, unknown>;
  before(async () => {
    // The Cdn component is the same on both platforms; prod with a domain reaches its origin over HTTPS.
    const run = await runProgram({
      stack: 'prod',
      config: { platform: 'ec2', image: testImage, cdn: true, ...testSite },
    });
    distribution = run.one('aws:cloudfront/distribution:Distribution').inputs;
  });
  const fallback = () => distribution.defaultCacheBehavior as Behaviour;
  const ordered = () => distribution.orderedCacheBehaviors as Behaviour[];

  for (const path of streamPaths) {
    it(`passes ${path} through uncached, with every header of the viewer's request`, () => {
      const behaviour = behaviourFor(fallback(), ordered(), path);
      assert.equal(behaviour.cachePolicyId, cachingDisabled);
      assert.equal(behaviour.originRequestPolicyId, allViewer);
      assert.ok(behaviour.allowedMethods.includes('GET'));
    });
  }

  it("chooses behaviours by CloudFront's rules, so a cached /polls/* placed before them would take the page's stream", () => {
    const cachedPolls = { ...ordered()[0]!, pathPattern: '/polls/*' };
    const withCachedPolls = [...ordered(), cachedPolls];
    assert.equal(behaviourFor(fallback(), withCachedPolls, streamPaths[0]!), cachedPolls);
    assert.equal(behaviourFor(fallback(), withCachedPolls, streamPaths[1]!), fallback());
    assert.ok(matchesPathPattern('/polls/?/results/events', '/polls/7/results/events'), '? is one character');
    assert.ok(!matchesPathPattern('/polls/?/results/events', '/polls/17/results/events'));
    assert.ok(matchesPathPattern('api/*', '/api/questions/7/events'), 'a leading slash makes no difference');
    assert.ok(!matchesPathPattern('/API/*', '/api/questions/7/events'), 'patterns are case-sensitive');
    assert.ok(matchesPathPattern('*/events', '/api/questions/7/events?a=1'), 'the query string is not read');
    assert.ok(!matchesPathPattern('/polls/', '/polls/7/results/events'), 'no wildcard, no prefix');
  });

  it('waits at least two heartbeats for the next byte of a stream, and never ends a stream for its length', () => {
    const [origin] = revealed(distribution.origins) as {
      customOriginConfig: { originReadTimeout?: number };
      responseCompletionTimeout?: number;
    }[];
    // CloudFront's origin response timeout also runs between two packets of a response ("Origin response
    // timeout", CloudFront Developer Guide); a response completion timeout would bound a whole stream.
    const readTimeout = origin!.customOriginConfig.originReadTimeout;
    assert.ok(Number(readTimeout) >= 2 * heartbeatSeconds, `origin response timeout ${readTimeout} s`);
    assert.equal(origin!.responseCompletionTimeout, undefined);
  });
});
