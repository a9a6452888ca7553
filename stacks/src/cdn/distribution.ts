import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Site } from '../config';
import { Certificate } from '../certificate';
import type { Tags } from '../tags';
import { EdgePolicies, managedPolicies } from './edge-policies';
import { cachedPaths, type CachedPath } from './edge-rules';
import type { OriginLock } from './origin-secret';
import { WebAcl } from './web-acl';

/**
 * The viewer TLS policy with a certificate of our own. With the cloudfront.net certificate CloudFront fixes the
 * policy itself (TLSv1), whatever is set (ViewerCertificate, CloudFront API Reference).
 */
export const viewerTlsPolicy = 'TLSv1.2_2021';
/** HTTP/2 and HTTP/3 to viewers (`httpVersion` accepts http1.1, http2, http2and3, http3). */
export const httpVersion = 'http2and3';
/** North America and Europe only: the cheapest price class, where the voters are. */
export const priceClass = 'PriceClass_100';
/**
 * How long CloudFront waits for the origin's first byte, and between any two packets of a response ("Origin
 * response timeout", CloudFront Developer Guide): 30 s, CloudFront's default, stated because the live-results
 * streams rely on it. Idle streams carry a heartbeat every 15 s, so one late heartbeat does not cut them. No
 * response completion timeout is set: CloudFront would end every stream that lasted longer.
 */
export const originResponseTimeoutSeconds = 30;

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
  originLock: OriginLock;
  /**
   * The site's name: an ACM certificate for it in us-east-1, the alias, and alias records in the zone. The CDN
   * needs one (config.ts): CloudFront reaches the origin over HTTPS with it as the Host, which the origin's
   * certificate is for; without a name no certificate could match the origin, and that leg would be plain HTTP.
   */
  site: Site;
  /** The validation record the platform's certificate for the site's name already has (see Certificate). */
  sharedValidationRecord?: pulumi.Output<string>;
  /** The platform's record for the site's name, which the CDN's A record takes over in place. */
  siteRecordFormerly: pulumi.Alias;
  /** An AWS WAF web ACL on the distribution (polls:waf). */
  waf: boolean;
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

    const policies = new EdgePolicies(name, { tags }, parent);

    // CloudFront only uses ACM certificates ("Supported Regions", ACM User Guide) and web ACLs (scope
    // CLOUDFRONT) from us-east-1, whatever the stack's region.
    const usEast1 = new aws.Provider(`${name}-us-east-1`, { region: 'us-east-1' }, parent);
    const inUsEast1 = { parent: this, providers: [usEast1] };
    const certificateArn = new Certificate(
      `${name}-tls`,
      { ...args.site, sharedValidationRecord: args.sharedValidationRecord, tags },
      inUsEast1,
    ).arn;
    const webAclArn = args.waf && new WebAcl(`${name}-waf`, { tags }, inUsEast1).arn;

    const cached = (path: CachedPath, cachePolicyId: pulumi.Output<string>) => ({
      pathPattern: path.pathPattern,
      targetOriginId: originId,
      viewerProtocolPolicy: 'redirect-to-https',
      allowedMethods: ['GET', 'HEAD'],
      cachedMethods: ['GET', 'HEAD'],
      cachePolicyId,
      originRequestPolicyId: policies.hostOnlyOriginRequestPolicyId,
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
        aliases: [args.site.domain],
        origins: [
          {
            originId,
            domainName: args.originHostname,
            customOriginConfig: {
              httpPort: 80,
              httpsPort: 443,
              originProtocolPolicy: 'https-only',
              originSslProtocols: ['TLSv1.2'],
              originReadTimeout: originResponseTimeoutSeconds,
            },
            // The header the load balancer (ec2) or the ingress controller (eks) admits requests by.
            customHeaders: [{ name: args.originLock.headerName, value: args.originLock.acceptedValues[0]! }],
          },
        ],
        // Everything not cached below, the live-results streams (Server-Sent Events) included: nothing kept,
        // every header passed on (Last-Event-ID too), and not compressed, as text/event-stream is not a type
        // CloudFront compresses and the streams carry no Content-Length ("Serve compressed files"). CloudFront
        // hands a chunked response on to the viewer as it arrives ("Request and response behavior for custom
        // origins", "Transfer encoding"); docs/live-results.md says what is not documented of the ALB's part.
        defaultCacheBehavior: {
          targetOriginId: originId,
          viewerProtocolPolicy: 'redirect-to-https',
          allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'],
          cachedMethods: ['GET', 'HEAD'],
          cachePolicyId: managedPolicies.cachingDisabled,
          originRequestPolicyId: managedPolicies.allViewer,
          compress: true,
          functionAssociations: [
            { eventType: 'viewer-request', functionArn: policies.blockInternalFunctionArn },
          ],
        },
        orderedCacheBehaviors: [
          cached(cachedPaths.static, policies.staticCachePolicyId),
          cached(cachedPaths.index, policies.indexCachePolicyId),
        ],
        restrictions: { geoRestriction: { restrictionType: 'none' } },
        ...(webAclArn && { webAclId: webAclArn }),
        viewerCertificate: {
          acmCertificateArn: certificateArn,
          sslSupportMethod: 'sni-only',
          minimumProtocolVersion: viewerTlsPolicy,
        },
        tags,
      },
      parent,
    );

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

    this.distributionId = distribution.id;
    this.domainName = distribution.domainName;
    this.url = pulumi.output(`https://${args.site.domain}`);
    this.registerOutputs({ distributionId: this.distributionId, domainName: this.domainName, url: this.url });
  }
}
