import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Tags } from '../tags';

/** A request rate per voter address that a person does not reach, over WAF's default 5-minute window. */
export interface RateLimit {
  name: string;
  /** What the rule counts: POST requests whose path ends this way. */
  pathEndsWith: string;
  /** Requests per address per 5 minutes before WAF blocks the address (WAF's lowest setting is 10). */
  limit: number;
}

/**
 * The POSTs worth limiting per address: the login form (the service also throttles failed logins per account
 * and address), and votes, by form and by API. Generous, so voters behind one NAT are not blocked.
 */
export const rateLimits: RateLimit[] = [
  { name: 'admin-login', pathEndsWith: '/admin/login', limit: 100 },
  { name: 'vote-form', pathEndsWith: '/vote/', limit: 1000 },
  { name: 'vote-api', pathEndsWith: '/votes', limit: 1000 },
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
        description: 'polls CDN: AWS common rule set, rate limits on logins and votes',
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
                          searchString: 'POST',
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
