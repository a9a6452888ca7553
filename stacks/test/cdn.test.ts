import assert from 'node:assert/strict';
import { httpVersion, viewerTlsPolicy } from '../src/cdn/distribution';
import { managedPolicies } from '../src/cdn/edge-policies';
import { cachedPaths } from '../src/cdn/edge-rules';
import { originSecretHeader } from '../src/cdn/origin-secret';
import { commonRuleSet, rateLimits } from '../src/cdn/web-acl';
import { cloudFrontOriginFacing } from '../src/ec2/load-balancer';
import { testImage, testSite } from './support/ec2-stacks';
import { runEks } from './support/eks-stacks';
import { decodedUserData, isSecretWrapper, plainStrings, revealed } from './support/inputs';
import { mockArn, mockSecretMarker } from './support/mock-aws';
import { runProgram, type ProgramRun, type StackName } from './support/program';

const site = testSite;
type Platform = 'ec2' | 'eks';

/** The outputs of a deploy whose CDN served the site: the next one locks the origin (src/index.ts). */
const cdnServed = { cdnDistributionId: 'EDFDVBD6EXAMPLE' };

/** A deploy of the stack; with `cdn`, one after a deploy whose CDN served, unless `firstWithCdn`. */
function run(
  stack: StackName,
  platform: Platform,
  cdn: boolean,
  domain: boolean,
  firstWithCdn = false,
): Promise<ProgramRun> {
  const config = { cdn, ...(domain ? site : {}) };
  const previousOutputs = cdn && !firstWithCdn ? cdnServed : {};
  return platform === 'ec2'
    ? runProgram({ stack, config: { platform, image: testImage, ...config }, previousOutputs })
    : runEks(stack, config, previousOutputs);
}

interface Behaviour {
  pathPattern?: string;
  cachePolicyId: string;
  originRequestPolicyId: string;
  viewerProtocolPolicy: string;
  compress: boolean;
  allowedMethods: string[];
  functionAssociations?: Array<{ eventType: string; functionArn: string }>;
}

/** The header conditions of the ALB's listener rule, secrets revealed. */
function acceptedBy(rule: Record<string, unknown>) {
  return revealed(rule.conditions) as Array<{ httpHeader: { httpHeaderName: string; values: string[] } }>;
}

/** The value of TRUST_PROXY the platform passes the service. */
function trustProxy(run: ProgramRun, platform: Platform): string | undefined {
  if (platform === 'ec2') {
    return /--env 'TRUST_PROXY=(\d+)'/.exec(
      decodedUserData(run.one('aws:ec2/launchTemplate:LaunchTemplate').inputs),
    )?.[1];
  }
  const deployment = revealed(run.one('kubernetes:apps/v1:Deployment').inputs) as {
    spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } };
  };
  return deployment.spec.template.spec.containers[0]!.env.find((variable) => variable.name === 'TRUST_PROXY')
    ?.value;
}

for (const stack of ['dev', 'prod'] as const) {
  for (const platform of ['ec2', 'eks'] as const) {
    for (const domain of [true, false]) {
      const shape = `${stack} on ${platform}, ${domain ? 'with a domain' : 'without a domain'}`;

      if (!domain) {
        it(`refuses the CDN without a domain (${shape}): that leg to the origin would be plain HTTP`, async () => {
          await assert.rejects(run(stack, platform, true, false), {
            message: /^polls:cdn needs polls:domain/,
          });
        });
      } else {
        describe(`the CDN turned on (${shape})`, () => {
          let stackRun: ProgramRun;
          before(async () => (stackRun = await run(stack, platform, true, domain)));
          const distribution = () => stackRun.one('aws:cloudfront/distribution:Distribution').inputs;
          const behaviours = () => {
            const inputs = distribution();
            return [
              inputs.defaultCacheBehavior as Behaviour,
              ...(inputs.orderedCacheBehaviors as Behaviour[]),
            ];
          };
          const byId = (id: string) =>
            stackRun.resources.find((resource) => `${resource.name}-id` === id)?.inputs ?? {};

          it('redirects HTTP to HTTPS and compresses on every behaviour, over HTTP/2 and HTTP/3', () => {
            assert.equal(distribution().httpVersion, httpVersion);
            for (const behaviour of behaviours()) {
              assert.equal(behaviour.viewerProtocolPolicy, 'redirect-to-https');
              assert.equal(behaviour.compress, true);
            }
          });

          it('caches /static/* and /polls/ keyed on the compression only, with no cookie or query string sent', () => {
            const cached = behaviours().slice(1);
            assert.deepEqual(
              cached.map((behaviour) => behaviour.pathPattern),
              [cachedPaths.static.pathPattern, cachedPaths.index.pathPattern],
            );
            for (const behaviour of cached) {
              const key = byId(behaviour.cachePolicyId).parametersInCacheKeyAndForwardedToOrigin as Record<
                string,
                unknown
              >;
              assert.deepEqual(
                [key.cookiesConfig, key.headersConfig, key.queryStringsConfig],
                [{ cookieBehavior: 'none' }, { headerBehavior: 'none' }, { queryStringBehavior: 'none' }],
              );
              assert.deepEqual([key.enableAcceptEncodingGzip, key.enableAcceptEncodingBrotli], [true, true]);
              const origin = byId(behaviour.originRequestPolicyId);
              assert.deepEqual(origin.cookiesConfig, { cookieBehavior: 'none' });
              assert.deepEqual(origin.queryStringsConfig, { queryStringBehavior: 'none' });
              assert.deepEqual(behaviour.allowedMethods, ['GET', 'HEAD']);
            }
            const index = byId(cached[1]!.cachePolicyId);
            assert.equal(index.defaultTtl, 0, 'an index without Cache-Control is not kept');
          });

          it('passes everything else through uncached with all cookies, headers and query strings, health paths refused', () => {
            const [fallback] = behaviours();
            assert.equal(fallback!.cachePolicyId, managedPolicies.cachingDisabled);
            assert.equal(fallback!.originRequestPolicyId, managedPolicies.allViewer);
            assert.ok(fallback!.allowedMethods.includes('POST'));
            const [association] = fallback!.functionAssociations ?? [];
            assert.equal(association?.eventType, 'viewer-request');
            const code = stackRun.one('aws:cloudfront/function:Function').inputs.code as string;
            for (const path of ['/healthz', '/readyz', '/metrics']) assert.ok(code.includes(path), path);
          });

          it('sends the origin secret header over HTTPS, the secret kept secret', () => {
            const origins = distribution().origins;
            assert.ok(isSecretWrapper(origins), 'the origin, holding the header value, is a Pulumi secret');
            const [origin] = revealed(origins) as Array<{
              customOriginConfig: { originProtocolPolicy: string };
              customHeaders: Array<{ name: string; value: string }>;
            }>;
            assert.equal(origin!.customOriginConfig.originProtocolPolicy, 'https-only');
            const [header] = origin!.customHeaders;
            assert.equal(header!.name, originSecretHeader);
            const stored = stackRun.named('polls-origin-version').inputs.secretString;
            assert.ok(isSecretWrapper(stored));
            assert.equal(revealed(stored), header!.value, 'Secrets Manager holds the value CloudFront sends');
          });

          it("alarms on the distribution's 5xx rate, and the dashboard and alert topic are exported", () => {
            const alarm = stackRun.named('polls-monitoring-cdn-5xx');
            assert.deepEqual(alarm.inputs.dimensions, {
              DistributionId: 'polls-cdn-distribution-id',
              Region: 'Global',
            });
            assert.ok(stackRun.outputs.dashboardUrl && stackRun.outputs.alertTopicArn);
          });

          it('exports the CDN address as url, its name and id, and the origin, with no secret in plain text', () => {
            const { url, cdnDomainName, cdnDistributionId, originUrl } = stackRun.outputs;
            assert.equal(url?.value, `https://${site.domain}`);
            assert.match(String(cdnDomainName?.value), /\.cloudfront\.net$/);
            assert.equal(cdnDistributionId?.value, 'polls-cdn-distribution-id');
            assert.match(String(originUrl?.value), /^https:\/\/.*elb/);
            const plain = [
              ...stackRun.resources.flatMap((resource) => plainStrings(resource.inputs)),
              ...Object.values(stackRun.outputs).flatMap((output) =>
                output.secret ? [] : plainStrings(output.value),
              ),
            ];
            assert.deepEqual(
              plain.filter((text) => text.includes(mockSecretMarker)),
              [],
            );
          });

          it('uses an ACM certificate from us-east-1 with TLSv1.2_2021, and points the name at the CDN only', () => {
            const provider = stackRun.one('pulumi:providers:aws');
            assert.equal(provider.inputs.region, 'us-east-1');
            const certificates = stackRun.ofType('aws:acm/certificate:Certificate');
            const forCdn = certificates.find((certificate) => certificate.name === 'polls-cdn-tls-cert');
            assert.equal(forCdn?.provider, provider.name);
            const viewer = distribution().viewerCertificate as Record<string, unknown>;
            assert.equal(viewer.minimumProtocolVersion, viewerTlsPolicy);
            assert.equal(viewer.sslSupportMethod, 'sni-only');
            assert.deepEqual(distribution().aliases, [site.domain]);
            const siteRecords = stackRun
              .ofType('aws:route53/record:Record')
              .filter((record) => record.inputs.name === site.domain);
            assert.deepEqual(siteRecords.map((record) => record.inputs.type).sort(), ['A', 'AAAA']);
            for (const record of siteRecords) {
              const [alias] = record.inputs.aliases as Array<{ name: string }>;
              assert.match(alias!.name, /\.cloudfront\.net$/);
            }
          });

          it("takes the A record over from the platform's in place: turning the CDN on re-points the name", () => {
            const record = stackRun.named('polls-cdn-alias-a');
            assert.deepEqual(
              record.formerIdentities,
              platform === 'ec2'
                ? [{ name: 'polls-lb-alias', parent: 'polls-lb' }]
                : [{ name: 'polls-site-record', parent: 'polls' }],
            );
            assert.deepEqual(stackRun.named('polls-cdn-alias-aaaa').formerIdentities, []);
          });

          it('puts no web ACL on the distribution unless polls:waf asks for one', () => {
            assert.deepEqual(stackRun.withTypePrefix('aws:wafv2/'), []);
            assert.equal(distribution().webAclId, undefined);
          });

          it('has the service trust two proxy hops: the CDN and the load balancer or ingress', () => {
            assert.equal(trustProxy(stackRun, platform), '2');
          });

          if (platform === 'ec2') {
            it("admits only CloudFront's origin-facing addresses, on one port, and only requests with the secret", () => {
              const ingress = stackRun
                .ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule')
                .filter((rule) => rule.name.startsWith('polls-lb-'));
              assert.deepEqual(
                ingress.map((rule) => [rule.inputs.prefixListId, rule.inputs.fromPort, rule.inputs.cidrIpv4]),
                [['pl-4fa04526', 443, undefined]],
              );
              assert.equal(cloudFrontOriginFacing, 'com.amazonaws.global.cloudfront.origin-facing');
              const listeners = stackRun.ofType('aws:lb/listener:Listener');
              assert.equal(listeners.length, 1);
              const [refuse] = listeners[0]!.inputs.defaultActions as Array<{ type: string }>;
              assert.equal(refuse!.type, 'fixed-response');
              const rule = stackRun.one('aws:lb/listenerRule:ListenerRule').inputs;
              assert.ok(
                isSecretWrapper(rule.conditions),
                'the condition, holding the secret, is a Pulumi secret',
              );
              const [condition] = acceptedBy(rule);
              assert.equal(condition!.httpHeader.httpHeaderName, originSecretHeader);
              assert.deepEqual(
                (rule.actions as Array<{ type: string }>).map((action) => action.type),
                ['forward'],
              );
            });
          } else {
            it('has NGINX refuse requests without the secret, snippets enabled for it, the snippet a secret', () => {
              const ingress = stackRun.one('kubernetes:networking.k8s.io/v1:Ingress').inputs;
              assert.ok(isSecretWrapper(ingress.metadata), 'the secret annotation makes the metadata secret');
              const annotations = (revealed(ingress.metadata) as { annotations: Record<string, string> })
                .annotations;
              assert.match(annotations['nginx.org/server-snippets']!, /return 403;/);
              assert.match(
                annotations['nginx.org/server-snippets']!,
                /\$http_x_origin_verify = "MOCK-SECRET-polls-origin-1"/,
              );
              const values = stackRun.named('polls-nginx-ingress').inputs.values as {
                controller: { enableSnippets: boolean };
              };
              assert.equal(values.controller.enableSnippets, true);
            });
          }
        });
      }

      describe(`the CDN turned off (${shape})`, () => {
        let stackRun: ProgramRun;
        before(async () => (stackRun = await run(stack, platform, false, domain)));

        it('creates nothing of the CDN, exports none of its outputs, and trusts one proxy hop', () => {
          assert.deepEqual(stackRun.withTypePrefix('aws:cloudfront/'), []);
          assert.deepEqual(
            stackRun.resources.filter(
              (resource) => resource.name.startsWith('polls-origin') || resource.name.startsWith('polls-cdn'),
            ),
            [],
          );
          assert.deepEqual(
            ['cdnDomainName', 'cdnDistributionId', 'originUrl'].filter((key) => key in stackRun.outputs),
            [],
          );
          assert.equal(trustProxy(stackRun, platform), '1');
        });

        if (domain) {
          it("takes the A record back from the CDN's in place: turning the CDN off re-points the name", () => {
            const record = stackRun.named(platform === 'ec2' ? 'polls-lb-alias' : 'polls-site-record');
            assert.deepEqual(record.formerIdentities, [{ name: 'polls-cdn-alias-a', parent: 'polls-cdn' }]);
          });
        }
      });
    }
  }
}

for (const platform of ['ec2', 'eks'] as const) {
  describe(`the first deploy with the CDN (dev on ${platform}, with a domain): nothing refuses a viewer yet`, () => {
    let first: ProgramRun;
    before(async () => (first = await run('dev', platform, true, true, true)));

    it('puts the distribution in front and gives it the site’s name', () => {
      assert.equal(first.ofType('aws:cloudfront/distribution:Distribution').length, 1);
      const records = first
        .ofType('aws:route53/record:Record')
        .filter((record) => record.inputs.name === site.domain);
      assert.deepEqual(records.map((record) => record.parent?.name).sort(), ['polls-cdn', 'polls-cdn']);
    });

    it('leaves the origin open to every viewer, trusting no extra proxy hop', () => {
      assert.equal(trustProxy(first, platform), '1');
      // Only the CDN (which sends it) and the secret's own description name the header: no entry point checks it.
      const checking = first.resources.filter(
        (resource) =>
          !['polls-cdn', 'polls-origin'].includes(resource.parent?.name ?? '') &&
          JSON.stringify(revealed(resource.inputs)).includes(originSecretHeader),
      );
      assert.deepEqual(checking, []);
      if (platform === 'ec2') {
        assert.deepEqual(first.ofType('aws:lb/listenerRule:ListenerRule'), []);
        const fromInternet = first
          .ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule')
          .filter((rule) => rule.inputs.cidrIpv4 === '0.0.0.0/0');
        assert.deepEqual(fromInternet.map((rule) => rule.inputs.fromPort).sort(), [443, 80]);
      }
    });
  });
}

describe('rotating the CDN origin secret', () => {
  let stackRun: ProgramRun;
  before(async () => (stackRun = await run('dev', 'ec2', true, true)));
  let rotated: ProgramRun;
  before(
    async () =>
      (rotated = await runProgram({
        stack: 'dev',
        config: { platform: 'ec2', image: testImage, cdn: true, cdnOriginSecretGeneration: 3, ...site },
        previousOutputs: cdnServed,
      })),
  );

  it('accepts only the first generation before any rotation', () => {
    const rule = stackRun.one('aws:lb/listenerRule:ListenerRule').inputs;
    assert.deepEqual(acceptedBy(rule)[0]!.httpHeader.values, [`${mockSecretMarker}-polls-origin-1`]);
  });

  it('sends the new generation and accepts it and the one before, nothing older', () => {
    const rule = rotated.one('aws:lb/listenerRule:ListenerRule').inputs;
    assert.deepEqual(acceptedBy(rule)[0]!.httpHeader.values, [
      `${mockSecretMarker}-polls-origin-3`,
      `${mockSecretMarker}-polls-origin-2`,
    ]);
    const [origin] = revealed(
      rotated.one('aws:cloudfront/distribution:Distribution').inputs.origins,
    ) as Array<{
      customHeaders: Array<{ value: string }>;
    }>;
    assert.equal(origin!.customHeaders[0]!.value, `${mockSecretMarker}-polls-origin-3`);
  });
});

describe('the CDN with polls:waf', () => {
  let stackRun: ProgramRun;
  before(
    async () =>
      (stackRun = await runProgram({
        stack: 'dev',
        config: { platform: 'ec2', image: testImage, cdn: true, waf: true, ...site },
      })),
  );
  const acl = () => stackRun.one('aws:wafv2/webAcl:WebAcl');

  it('creates a CLOUDFRONT web ACL in us-east-1 and puts it on the distribution', () => {
    assert.equal(acl().inputs.scope, 'CLOUDFRONT');
    const provider = stackRun.one('pulumi:providers:aws');
    assert.equal(provider.inputs.region, 'us-east-1');
    assert.equal(acl().provider, provider.name);
    const distribution = stackRun.one('aws:cloudfront/distribution:Distribution').inputs;
    assert.equal(distribution.webAclId, mockArn('aws:wafv2/webAcl:WebAcl', acl().name));
  });

  it('allows by default, runs the AWS common rule set, and rate-limits POSTs to the login and votes per address', () => {
    const inputs = acl().inputs as {
      defaultAction: unknown;
      rules: Array<{
        name: string;
        action?: unknown;
        statement: {
          managedRuleGroupStatement?: unknown;
          rateBasedStatement?: {
            aggregateKeyType: string;
            limit: number;
            scopeDownStatement: {
              andStatement: { statements: Array<{ byteMatchStatement: { searchString: string } }> };
            };
          };
        };
      }>;
    };
    assert.deepEqual(inputs.defaultAction, { allow: {} });
    const [common, ...rates] = inputs.rules;
    assert.deepEqual(common!.statement.managedRuleGroupStatement, commonRuleSet);
    assert.deepEqual(
      rates.map((rule) => {
        const rate = rule.statement.rateBasedStatement!;
        return [
          rule.action,
          rate.aggregateKeyType,
          rate.limit,
          rate.scopeDownStatement.andStatement.statements.map(
            (match) => match.byteMatchStatement.searchString,
          ),
        ];
      }),
      rateLimits.map((rate) => [{ block: {} }, 'IP', rate.limit, [rate.method, rate.pathEndsWith]]),
    );
    assert.deepEqual(
      rateLimits.map((rate) => `${rate.method} ${rate.pathEndsWith}`),
      ['POST /admin/login', 'POST /vote/', 'POST /votes', 'GET /events'],
    );
  });
});
