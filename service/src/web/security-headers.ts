import helmet from 'helmet';
import type { Middleware } from 'koa';

/** Browser hardening for every response: scripts and styles only from our origin, never framed. */
export function securityHeaders(): Middleware {
  // Run per request, as helmet is meant to be used: replaying its headers recorded once at start saved too
  // little to keep code of our own for (docs/benchmarks.md, "Figures behind the code").
  const setHelmetHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
    // Set below, only on HTTPS: over plain HTTP (a laptop, a stack without a domain) it would be wrong.
    strictTransportSecurity: false,
  });
  return async (ctx, next) => {
    // helmet sets its headers and calls back synchronously; it fails only on options, which are fixed here.
    setHelmetHeaders(ctx.req, ctx.res, (error?: unknown) => {
      if (error) throw error;
    });
    if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    await next();
  };
}
