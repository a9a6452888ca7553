import type { Middleware } from 'koa';

// The methods whose bodies are read (@koa/bodyparser's own default): other requests never load the parser.
const methodsWithBodies = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Form and JSON bodies of up to 16 KB, as objects on `ctx.request.body`. The parser and its dependencies
 * (co-body, qs, raw-body, iconv-lite: about 0.1 s to load) are loaded by the first request that has a body,
 * not at start, so `npm start` answers its first page sooner.
 */
export function parseRequestBodies(): Middleware {
  let parser: Promise<Middleware> | undefined;
  return async (ctx, next) => {
    if (!methodsWithBodies.has(ctx.method)) return next();
    parser ??= import('@koa/bodyparser').then(({ bodyParser }) =>
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
    );
    return (await parser)(ctx, next);
  };
}
