import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { healthPaths } from '../service-contract';
import type { Tags } from '../tags';
import { viewerRequestCode, cachedPaths, type CachedPath } from './edge-rules';

/** Managed policies, by the IDs the CloudFront Developer Guide lists ("Use managed cache policies", "… origin request policies"). */
export const managedPolicies = {
  /** CachingDisabled: TTLs 0, nothing in the cache key. */
  cachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  /** AllViewer: every header (Host included), cookie and query string of the viewer's request. */
  allViewer: '216adef6-5c7f-47e4-b989-5492eafa07d3',
} as const;

export interface EdgePoliciesArgs {
  tags: Tags;
}

/**
 * What the distribution's behaviours refer to: a cache policy per cached path (edge-rules.ts), the origin
 * request policy of cached paths, and the function that refuses the internal paths.
 */
export class EdgePolicies extends pulumi.ComponentResource {
  readonly staticCachePolicyId: pulumi.Output<string>;
  readonly indexCachePolicyId: pulumi.Output<string>;
  readonly hostOnlyOriginRequestPolicyId: pulumi.Output<string>;
  readonly blockInternalFunctionArn: pulumi.Output<string>;

  constructor(name: string, args: EdgePoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:cdn:EdgePolicies', name, {}, opts);
    const parent = { parent: this };
    const { tags } = args;

    const cachePolicy = (suffix: string, path: CachedPath) =>
      new aws.cloudfront.CachePolicy(
        `${name}-${suffix}`,
        {
          comment: `polls ${path.pathPattern}: as long as Cache-Control says, keyed on the compression only`,
          minTtl: 0,
          defaultTtl: path.defaultSeconds,
          maxTtl: path.maxSeconds,
          parametersInCacheKeyAndForwardedToOrigin: {
            cookiesConfig: { cookieBehavior: 'none' },
            headersConfig: { headerBehavior: 'none' },
            queryStringsConfig: { queryStringBehavior: 'none' },
            enableAcceptEncodingGzip: true,
            enableAcceptEncodingBrotli: true,
          },
        },
        parent,
      );
    const staticPolicy = cachePolicy('static', cachedPaths.static);
    const indexPolicy = cachePolicy('index', cachedPaths.index);
    // Cached responses must not vary by visitor: no cookie or query string reaches the origin, only the Host
    // the origin's certificate and ingress rule are for.
    const hostOnly = new aws.cloudfront.OriginRequestPolicy(
      `${name}-host-only`,
      {
        comment: 'polls cached paths: the Host header only, no cookies or query strings',
        cookiesConfig: { cookieBehavior: 'none' },
        headersConfig: { headerBehavior: 'whitelist', headers: { items: ['Host'] } },
        queryStringsConfig: { queryStringBehavior: 'none' },
      },
      parent,
    );
    const blockInternal = new aws.cloudfront.Function(
      `${name}-block-internal`,
      {
        runtime: 'cloudfront-js-2.0',
        comment: 'polls: 404 for the health and metrics paths',
        code: viewerRequestCode(Object.values(healthPaths)),
        publish: true,
        tags,
      },
      parent,
    );

    this.staticCachePolicyId = staticPolicy.id;
    this.indexCachePolicyId = indexPolicy.id;
    this.hostOnlyOriginRequestPolicyId = hostOnly.id;
    this.blockInternalFunctionArn = blockInternal.arn;
    this.registerOutputs({});
  }
}
