import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { Context, Middleware } from 'koa';
import { FormFieldsError, parseFormFields } from './form-fields.js';

declare module 'koa' {
  interface Request {
    /** The parsed form or JSON body of a POST, PUT or PATCH; `{}` when it has another type or none. */
    body?: unknown;
  }
}

const methodsWithBodies = new Set(['POST', 'PUT', 'PATCH']);
const limitBytes = 16 * 1024;

/**
 * Form and JSON bodies of up to 16 KB, in UTF-8 and sent as they are (no Content-Encoding), as objects on
 * `ctx.request.body`. Our own rather than @koa/bodyparser (with co-body, raw-body, qs, type-is and
 * iconv-lite under it): reading and parsing a vote's 60-byte form there was a seventh of the vote's CPU
 * (docs/benchmarks.md, "Where a vote's CPU went"), and its charsets and compressed bodies have no sender
 * here: browsers post forms in the page's UTF-8, uncompressed.
 */
export function parseRequestBodies(): Middleware {
  return async (ctx, next) => {
    if (methodsWithBodies.has(ctx.method)) ctx.request.body = await readBody(ctx);
    await next();
  };
}

async function readBody(ctx: Context): Promise<unknown> {
  const [mediaType = '', ...parameters] = ctx.get('Content-Type').split(';');
  const kind = bodyKinds.get(mediaType.trim().toLowerCase());
  if (!kind) return {};
  const charset = parameters.map((p) => /^\s*charset\s*=\s*"?([^";\s]*)"?\s*$/i.exec(p)?.[1]).find(Boolean);
  if (charset && !/^utf-?8$/i.test(charset)) ctx.throw(415, 'Send the request body in UTF-8.');
  const encoding = ctx.get('Content-Encoding');
  if (encoding && encoding.toLowerCase() !== 'identity')
    ctx.throw(415, 'Send the request body without Content-Encoding.');
  const bytes = await readBytes(ctx);
  if (!isUtf8(bytes)) ctx.throw(400, 'The request body is not valid UTF-8.');
  const text = bytes.toString();
  return kind === 'form' ? parseForm(ctx, text) : parseJson(ctx, text);
}

const bodyKinds = new Map<string, 'form' | 'json'>([
  ['application/x-www-form-urlencoded', 'form'],
  ['application/json', 'json'],
]);

function parseForm(ctx: Context, text: string): Record<string, unknown> {
  try {
    return parseFormFields(text);
  } catch (error) {
    if (error instanceof FormFieldsError) return ctx.throw(400, error.message);
    throw error;
  }
}

function parseJson(ctx: Context, text: string): unknown {
  // Every JSON body here is an object: `true` or `"x"` is refused before JSON.parse reads it.
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') ctx.throw(400, 'The request body must be a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return ctx.throw(400, `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The whole body, or a 413 as soon as it passes the limit: by its Content-Length before a byte is read,
 * else by counting. A refused body is not read further: the connection closes after the answer.
 */
async function readBytes(ctx: Context): Promise<Buffer> {
  const declared = Number(ctx.get('Content-Length') || 0);
  if (declared > limitBytes) tooLarge(ctx);
  const bytes = await collect(ctx.req, limitBytes);
  if (bytes === 'too large') tooLarge(ctx);
  if (bytes === 'cut short') ctx.throw(400, 'The request body was cut short.');
  return bytes;
}

function tooLarge(ctx: Context): never {
  return ctx.throw(413, 'The request body is too large.', { headers: { Connection: 'close' } });
}

type Collected = Buffer | 'too large' | 'cut short';

function collect(request: IncomingMessage, limit: number): Promise<Collected> {
  // A client that hung up before its body was read has nothing more to send.
  if (request.destroyed) return Promise.resolve('cut short');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: Collected) => {
      request.off('data', onData).off('end', onEnd).off('close', onCutShort).off('error', onCutShort);
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.pause();
        settle('too large');
      } else chunks.push(chunk);
    };
    const onEnd = () => settle(Buffer.concat(chunks, size));
    const onCutShort = () => settle('cut short');
    request.on('data', onData).on('end', onEnd).on('close', onCutShort).on('error', onCutShort);
  });
}
