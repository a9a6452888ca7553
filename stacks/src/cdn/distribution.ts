import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { Certificate } from '../certificate';
import { healthPaths } from '../service-contract';
import type { Tags } from '../tags';
import { blockInternalPathsCode, cachedPaths, type CachedPath } from './edge-rules';
import type { OriginLock } from './origin-secret';

/** Managed policies, by the IDs the CloudFront Developer Guide lists ("Use managed cache policies", "… origin request policies"). */
export const managedPolicies = {
  /** CachingDisabled: TTLs 0, nothing in the cache key. */
  cachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  /** AllViewer: every header (Host included), cookie and query string of the viewer's request. */
  allViewer: '216adef6-5c7f-47e4-b989-5492eafa07d3',
} as const;

/**
 * The viewer TLS policy with a certificate of our own. With the cloudfront.net certificate CloudFront fixes the
 * policy itself (TLSv1), whatever is set (ViewerCertificate, CloudFront API Reference).
 */
export const viewerTlsPolicy = 'TLSv1.2_2021';
/** HTTP/2 and HTTP/3 to viewers (`httpVersion` accepts http1.1, http2, http2and3, http3). */
export const httpVersion = 'http2and3';
/** North America and Europe only: the cheapest price class, where the voters are. */
export const priceClass = 'PriceClass_100';

const originId = 'load-balancer';
const componentType = 'polls:cdn:Cdn';

function siteRecordName(name: string, type: 'A' | 'AAAA'): string {
  return `${name}-alias-${type.toLowerCase()}`;
}

/**
 * The CDN's A record for the site's name, by identity, for the platform's record to take over in place when the
 * CDN named `name` (a child of the stack) is turned off.
 */
export function cdnSiteRecord(name: string): pulumi.Alias {
  return { name: siteRecordName(name, 'A'), parent: pulumi.createUrn(name, componentType) };
}

export interface CdnArgs {
  /** The load balancer's DNS name. */
  originHostname: pulumi.Input<string>;
  /** `https` when the origin has a certificate for the site's name (a domain), else `http`. */
  originProtocol: 'http' | 'https';
  originLock: OriginLock;
  /** With a domain: an ACM certificate in us-east-1, the alias, and alias records in the zone. */
  site?: { domain: string; hostedZoneId: string };
  /** The platform's record for the site's name, which the CDN's A record takes over in place. */
  siteRecordFormerly: pulumi.Alias;
  tags: Tags;
}

/**
 * A CloudFront distribution in front of the platform's load balancer: HTTPS to viewers (HTTP redirected),
 * HTTP/2 and 3, compression at the edge; static files and the index cached as the service's Cache-Control says,
 * everything else passed through with every cookie, header and query string; the internal paths refused.
 */
export class Cdn extends pulumi.ComponentResource {
  readonly distributionId: pulumi.Output<string>;
  readonly domainName: pulumi.Output<string>;
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: CdnArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType, name, {}, opts);
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
        code: blockInternalPathsCode(Object.values(healthPaths)),
        publish: true,
        tags,
      },
      parent,
    );

    let certificateArn: pulumi.Output<string> | undefined;
    if (args.site) {
      // CloudFront only uses ACM certificates from us-east-1 ("Supported Regions", ACM User Guide).
      const usEast1 = new aws.Provider(`${name}-us-east-1`, { region: 'us-east-1' }, parent);
      const certificate = new Certificate(
        `${name}-tls`,
        { ...args.site, tags },
        { parent: this, providers: [usEast1] },
      );
      certificateArn = certificate.arn;
    }

    const cached = (path: CachedPath, policy: aws.cloudfront.CachePolicy) => ({
      pathPattern: path.pathPattern,
      targetOriginId: originId,
      viewerProtocolPolicy: 'redirect-to-https',
      allowedMethods: ['GET', 'HEAD'],
      cachedMethods: ['GET', 'HEAD'],
      cachePolicyId: policy.id,
      originRequestPolicyId: hostOnly.id,
      compress: true,
    });
    const distribution = new aws.cloudfront.Distribution(
      `${name}-distribution`,
      {
        enabled: true,
        comment: 'polls',
        isIpv6Enabled: true,
        httpVersion,
        priceClass,
        aliases: args.site ? [args.site.domain] : [],
        origins: [
          {
            originId,
            domainName: args.originHostname,
            customOriginConfig: {
              httpPort: 80,
              httpsPort: 443,
              originProtocolPolicy: `${args.originProtocol}-only`,
              originSslProtocols: ['TLSv1.2'],
            },
            // The header the load balancer (ec2) or the ingress controller (eks) admits requests by.
            customHeaders: [{ name: args.originLock.headerName, value: args.originLock.acceptedValues[0]! }],
          },
        ],
        defaultCacheBehavior: {
          targetOriginId: originId,
          viewerProtocolPolicy: 'redirect-to-https',
          allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'],
          cachedMethods: ['GET', 'HEAD'],
          cachePolicyId: managedPolicies.cachingDisabled,
          originRequestPolicyId: managedPolicies.allViewer,
          compress: true,
          functionAssociations: [{ eventType: 'viewer-request', functionArn: blockInternal.arn }],
        },
        orderedCacheBehaviors: [
          cached(cachedPaths.static, staticPolicy),
          cached(cachedPaths.index, indexPolicy),
        ],
        restrictions: { geoRestriction: { restrictionType: 'none' } },
        viewerCertificate: certificateArn
          ? {
              acmCertificateArn: certificateArn,
              sslSupportMethod: 'sni-only',
              minimumProtocolVersion: viewerTlsPolicy,
            }
          : { cloudfrontDefaultCertificate: true },
        tags,
      },
      parent,
    );

    if (args.site) {
      // The site's name points at the distribution, for IPv4 and IPv6 viewers.
      for (const type of ['A', 'AAAA'] as const) {
        new aws.route53.Record(
          siteRecordName(name, type),
          {
            zoneId: args.site.hostedZoneId,
            name: args.site.domain,
            type,
            aliases: [
              {
                name: distribution.domainName,
                zoneId: distribution.hostedZoneId,
                evaluateTargetHealth: false,
              },
            ],
          },
          // The A record took the name over from the platform's: the same record, now pointing at the CDN.
          { parent: this, aliases: type === 'A' ? [args.siteRecordFormerly] : [] },
        );
      }
    }

    this.distributionId = distribution.id;
    this.domainName = distribution.domainName;
    this.url = args.site
      ? pulumi.output(`https://${args.site.domain}`)
      : pulumi.interpolate`https://${distribution.domainName}`;
    this.registerOutputs({ distributionId: this.distributionId, domainName: this.domainName, url: this.url });
  }
}
