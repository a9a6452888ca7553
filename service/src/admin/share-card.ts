import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { encodeQR } from 'qr';
import type { ResultsOr404 } from './question-results.js';

// A DNS name or IPv4 address, or an IPv6 address in brackets, with an optional port: nothing that could carry
// a path, user info, a second URL or markup into the address an editor prints.
const hostName =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The address of a poll's public page, as the editor's own request names this site: Koa's `host` (the Host
 * header, or X-Forwarded-Host when TRUST_PROXY trusts a proxy) and HTTPS when `ctx.secure` (X-Forwarded-Proto
 * behind a trusted proxy), the same decision that makes the cookies Secure. The service keeps no configured
 * site address, and every redirect it sends is relative, so this is the first absolute URL it writes.
 *
 * Poisoning: the URL goes only into an admin page or image, `no-store`, answered to a signed-in editor's own
 * request. A page cannot make a browser send another Host (a forbidden header) or add X-Forwarded-Host to a
 * cross-site request that carries the session (a custom header needs CORS, which the service never grants),
 * so only whoever sends the request can choose what it shows, and only to themselves. The proxies in front set
 * Host to the name the visitor used: CloudFront passes the viewer's Host to the origin for these paths
 * (AllViewer, stacks/src/cdn/edge-policies.ts); the NGINX ingress sets Host and X-Forwarded-Host to `$host`
 * (nginx/kubernetes-ingress, internal/configs/version1/nginx.ingress.tmpl); the ALB forwards Host as sent.
 * Without a domain behind the CDN the ALB reports plain HTTP (docs/deploying.md), so the URL is `http://`,
 * which CloudFront redirects to HTTPS. Undefined when the host is not a host name.
 */
export function publicPollUrl(ctx: Context, id: number): string | undefined {
  const host = ctx.host;
  if (!hostName.test(host)) return undefined;
  try {
    return new URL(`/polls/${id}/`, `${ctx.secure ? 'https' : 'http'}://${host}`).href;
  } catch {
    // A port above 65535 or an IPv6 address that only looked like one.
    return undefined;
  }
}

/**
 * The QR code of a URL as SVG: one path in a viewBox, no style attribute and no script, so it shows under
 * the service's CSP as an image or inline. Medium error correction (15 % of the code may be lost) survives a
 * crease or a smudge on paper; a quiet zone of 4 modules, the minimum ISO/IEC 18004 sets (the library's
 * default is 2).
 */
export function qrCodeSvg(url: string): string {
  return encodeQR(url, 'svg', { ecc: 'medium', border: 4 });
}

/** The QR code image of the share card, behind `session` like every admin page. */
export function shareCardRoutes(router: Router, session: Middleware, resultsOr404: ResultsOr404): void {
  router.get('/questions/:id/share-qr.svg', session, async (ctx) => {
    const { id } = await resultsOr404(ctx);
    const url =
      publicPollUrl(ctx, id) ?? ctx.throw(400, 'This request names no host this site can be reached at.');
    ctx.type = 'image/svg+xml';
    ctx.body = qrCodeSvg(url);
  });
}
