import type { Middleware } from 'koa';

/** The response header that names the commit the running image was built from. */
export const revisionHeaderName = 'Polls-Revision';

/**
 * Names the image's commit on every response, so that a deploy's smoke check can tell through the public
 * address (the CDN answers the health paths itself) whether the new image is the one answering. The commit
 * of an open repository tells a visitor nothing they could not read there.
 */
export function revisionHeader(revision: string | undefined): Middleware {
  return async (ctx, next) => {
    if (revision !== undefined) ctx.set(revisionHeaderName, revision);
    await next();
  };
}
