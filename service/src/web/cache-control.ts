import type { Middleware } from 'koa';

/** What a response gets when its handler says nothing: no cache, shared or private, may keep it. */
export const notStored = 'no-store';

/**
 * Caching is opt-in: a response without its own Cache-Control is `no-store`, and one that sets a cookie is
 * `private, no-store` whatever its handler said, so no shared cache (the CDN) can hand one visitor's
 * cookie, CSRF token or session to another. Runs outside the error mapper, so error pages are covered too.
 */
export function cacheControl(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.response.get('Set-Cookie')) ctx.set('Cache-Control', `private, ${notStored}`);
    else if (!ctx.response.get('Cache-Control')) ctx.set('Cache-Control', notStored);
  };
}

/**
 * The header of a page every visitor sees alike: browsers revalidate at once (max-age=0), a shared cache may
 * keep it `edgeMaxAgeSeconds`; 0 keeps it out of shared caches altogether.
 */
export function sharedPage(edgeMaxAgeSeconds: number): string {
  return edgeMaxAgeSeconds > 0 ? `public, max-age=0, s-maxage=${edgeMaxAgeSeconds}` : notStored;
}
