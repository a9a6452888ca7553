import type { Middleware } from 'koa';

// The methods whose bodies are read (@koa/bodyparser's own default): other requests never load the parser.
const methodsWithBodies = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Form and JSON bodies of up to 16 KB, as objects on `ctx.request.body`. The parser and its dependencies
 * (co-body, qs, raw-body, iconv-lite) take about 0.1 s to load. With `loadAtOnce` they load now: a replica
 * on a database server is started before it takes traffic, and the first votes after a rollout do not wait
 * (they did, 0.1–0.15 s, all of them at once). Otherwise the first request that has a body loads them, so
 * `npm start` on the embedded database answers its first page sooner.
 */
export function parseRequestBodies({ loadAtOnce }: { loadAtOnce: boolean }): Middleware {
  let parser: Promise<Middleware> | undefined;
  const loadParser = () =>
    (parser ??= import('@koa/bodyparser').then(({ bodyParser }) =>
      bodyParser({
        enableTypes: ['form', 'json'],
        formLimit: '16kb',
        jsonLimit: '16kb',
        // Reject `true` or `"x"` bodies: every JSON body here is an object.
        jsonStrict: true,
        onError: (error, ctx) => {
          const status = (error as { status?: number }).status;
          if (status === 413) ctx.throw(413, 'The request body is too large.');
          ctx.throw(400, `The request body is not valid: ${error.message}`);
        },
      }),
    ));
  // A failed load fails the requests that need the parser (500), as a lazy one would.
  if (loadAtOnce) loadParser().catch(() => {});
  return async (ctx, next) => {
    if (!methodsWithBodies.has(ctx.method)) return next();
    return (await loadParser())(ctx, next);
  };
}
