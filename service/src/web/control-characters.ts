import type { Middleware } from 'koa';

// C0 control characters but tab and line breaks. PostgreSQL refuses NUL in text outright (a 500 if it got
// that far), and no field here has a use for the others.
// eslint-disable-next-line no-control-regex -- matching control characters is this module's job
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/**
 * Refuses, with 400, a request whose query or parsed body holds a control character in any name or value,
 * however deeply nested: every handler after this one can pass text to the database as it is.
 */
export function refuseControlCharacters(): Middleware {
  return async (ctx, next) => {
    if (holdsControlCharacter(ctx.query) || holdsControlCharacter(ctx.request.body)) {
      ctx.throw(400, 'The request contains a control character (such as NUL), which no field accepts.');
    }
    await next();
  };
}

function holdsControlCharacter(root: unknown): boolean {
  // A loop rather than recursion: a 16 kB JSON body can nest thousands of levels deep.
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (controlCharacter.test(value)) return true;
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (controlCharacter.test(key)) return true;
        pending.push(item);
      }
    }
  }
  return false;
}
