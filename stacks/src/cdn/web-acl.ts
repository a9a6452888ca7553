import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Tags } from '../tags';

/** A request rate per viewer address that a person does not reach, over WAF's default 5-minute window. */
export interface RateLimit {
  name: string;
  /** What the rule counts: requests of this method whose path ends this way. */
  method: 'GET' | 'POST';
  pathEndsWith: string;
  /** Requests per address per 5 minutes before WAF blocks the address (WAF's lowest setting is 10). */
  limit: number;
}

/**
 * The requests worth limiting per address: the login form (the service also throttles failed logins per
 * account and address), votes, by form and by API, and live-results stream openings. Generous, so voters behind
 * one NAT are not blocked.
 *
 * WAF counts requests, not open connections ("Rate-based rule high-level settings", AWS WAF developer guide:
 * requests in the evaluation window, checked "frequently", at least 10), so it cannot cap the streams one
 * address holds: the service does (MAX_STREAMS_PER_ADDRESS), and the ingress on eks. What it can cap is how
 * fast an address opens them. A stream lives 60 to 90 s, so a viewer opens about 5 in 5 minutes: 10,000 lets a
 * school's NAT of a thousand viewers reconnect twice over, and stops an address that opens streams only to
 * drop them.
 */
export const rateLimits: RateLimit[] = [
  { name: 'admin-login', method: 'POST', pathEndsWith: '/admin/login', limit: 100 },
  { name: 'vote-form', method: 'POST', pathEndsWith: '/vote/', limit: 1000 },
  { name: 'vote-api', method: 'POST', pathEndsWith: '/votes', limit: 1000 },
  { name: 'stream-opens', method: 'GET', pathEndsWith: '/events', limit: 10_000 },
];

/** The AWS managed rule group against common web exploits (OWASP-style: bad inputs, XSS, path traversal…). */
export const commonRuleSet = { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } as const;

export interface WebAclArgs {
  tags: Tags;
}

const visibility = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/**
 * The CDN's AWS WAF web ACL (polls:waf): allow by default, the common rule set, and a rate-based rule per
 * entry of {@link rateLimits}, keyed on the viewer's address (which WAF sees directly at the edge). A web ACL for
 * CloudFront has scope CLOUDFRONT and lives in us-east-1: pass a provider for that region.
 */
export class WebAcl extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: WebAclArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:cdn:WebAcl', name, {}, opts);
    const acl = new aws.wafv2.WebAcl(
      `${name}-acl`,
      {
        description: 'polls CDN: AWS common rule set, rate limits on logins, votes and stream openings',
        scope: 'CLOUDFRONT',
        defaultAction: { allow: {} },
        rules: [
          {
            name: 'common-rule-set',
            priority: 0,
            overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: commonRuleSet },
            visibilityConfig: visibility('common-rule-set'),
          },
          ...rateLimits.map((rate, index) => ({
            name: rate.name,
            priority: index + 1,
            action: { block: {} },
            statement: {
              rateBasedStatement: {
                aggregateKeyType: 'IP',
                limit: rate.limit,
                scopeDownStatement: {
                  andStatement: {
                    statements: [
                      {
                        byteMatchStatement: {
                          fieldToMatch: { method: {} },
                          positionalConstraint: 'EXACTLY',
                          searchString: rate.method,
                          textTransformations: [{ priority: 0, type: 'NONE' }],
                        },
                      },
                      {
                        byteMatchStatement: {
                          fieldToMatch: { uriPath: {} },
                          positionalConstraint: 'ENDS_WITH',
                          searchString: rate.pathEndsWith,
                          textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
                        },
                      },
                    ],
                  },
                },
              },
            },
            visibilityConfig: visibility(rate.name),
          })),
        ],
        visibilityConfig: visibility(name),
        tags: args.tags,
      },
      { parent: this },
    );
    this.arn = acl.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
