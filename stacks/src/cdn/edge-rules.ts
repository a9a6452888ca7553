/**
 * What the CDN caches and what it refuses, as data: the Cdn component builds its behaviours from it and the
 * tests read the same values. The service decides freshness (Cache-Control, service/src/web/cache-control.ts);
 * these rules only choose what may be cached at all and what forms its cache key.
 */

/** Cached for as long as the service says, keyed on the path and the compression only. */
export interface CachedPath {
  pathPattern: string;
  /** The longest the edge keeps a response whatever the service says (the policy's max TTL). */
  maxSeconds: number;
  /** How long a response without Cache-Control is kept (the policy's default TTL). */
  defaultSeconds: number;
}

const year = 31_536_000;
/** The most INDEX_EDGE_MAX_AGE_SECONDS allows (service/src/config.ts). */
const indexMaxSeconds = 3600;

export const cachedPaths = {
  /** Fingerprinted files: `public, max-age=31536000, immutable`; plain names `max-age=300`. */
  static: { pathPattern: '/static/*', maxSeconds: year, defaultSeconds: 86_400 },
  /** The index: `s-maxage=INDEX_EDGE_MAX_AGE_SECONDS`; without a header it is not kept at all. */
  index: { pathPattern: '/polls/', maxSeconds: indexMaxSeconds, defaultSeconds: 0 },
} satisfies Record<string, CachedPath>;

/** Where the edge sends a request for the site's root: the index, as the service's own `/` redirect does. */
export const rootRedirectLocation = cachedPaths.index.pathPattern;

/**
 * CloudFront Functions code (runtime cloudfront-js-2.0) for the viewer-request event of the default behaviour:
 * it answers 404 at the edge for the service's internal paths, so health and metrics are not reachable through
 * the CDN, and answers the root with the service's own redirect to the index, so `/` is served from the edge
 * too (a cache behaviour cannot single out the root: "/" and "" are the same path pattern). A function can
 * "generate HTTP responses at the edge" ("Customize at the edge with CloudFront Functions", CloudFront
 * Developer Guide). Compared without case and trailing slashes, as the service's router matches them.
 */
export function viewerRequestCode(internalPaths: readonly string[]): string {
  return `var internalPaths = ${JSON.stringify(internalPaths.map((path) => path.toLowerCase()))};

function handler(event) {
  if (event.request.uri === '/') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '${rootRedirectLocation}' } } };
  }
  var path = event.request.uri.toLowerCase().replace(/\\/+$/, '');
  if (internalPaths.indexOf(path) !== -1) {
    return { statusCode: 404, statusDescription: 'Not Found' };
  }
  return event.request;
}
`;
}
