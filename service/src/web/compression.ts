import { Stream } from 'node:stream';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Context, Middleware } from 'koa';

export type ContentCoding = 'br' | 'gzip';

/** Below this many bytes a compressed body saves less than its headers and the client's work cost. */
const thresholdBytes = 1024;
const compressibleType = /^(?:text\/|application\/(?:json|javascript|xml)|image\/svg\+xml)/;
const noTransform = /(?:^|,)\s*no-transform\s*(?:,|$)/i;

const encoders: Record<ContentCoding, (body: Buffer) => Buffer> = {
  // Quality 4, brotli's fast end: smaller than gzip at about its cost. The default, 11, is for build steps.
  br: (body) =>
    brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 4,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  gzip: (body) => gzipSync(body, { level: 6 }),
};

/**
 * Compresses text bodies of 1 KB or more for clients that accept brotli or gzip. Every body here is a whole
 * string, buffer or JSON value of a few kilobytes, which one synchronous call compresses in less time than a
 * zlib stream takes to set up; streamed bodies pass through untouched. A Buffer body is compressed once per
 * coding and kept while the buffer lives: the cached index page and the static files are sent as the same
 * buffers again and again.
 *
 * Our own rather than koa-compress because it pays: koa-compress opens a stream per response and compresses
 * every time, several times this middleware's CPU per compressed page (docs/benchmarks.md, "Figures behind
 * the code").
 */
export function compressResponses(): Middleware {
  const compressed = new WeakMap<Buffer, Partial<Record<ContentCoding, Buffer>>>();
  const compress = (body: Buffer, coding: ContentCoding, reusable: boolean): Buffer => {
    if (!reusable) return encoders[coding](body);
    let codings = compressed.get(body);
    if (!codings) compressed.set(body, (codings = {}));
    return (codings[coding] ??= encoders[coding](body));
  };

  return async (ctx, next) => {
    await next();
    const body = compressibleBody(ctx);
    if (!body) return;
    // The representation now depends on Accept-Encoding, whichever one this client gets.
    ctx.vary('Accept-Encoding');
    const coding = preferredCoding(ctx.get('Accept-Encoding'));
    if (!coding) return;
    ctx.body = compress(body.bytes, coding, body.reusable);
    ctx.set('Content-Encoding', coding);
    // A strong validator promises identical bytes; the compressed bytes are a different representation.
    const etag = ctx.response.get('ETag');
    if (etag && !etag.startsWith('W/')) ctx.set('ETag', `W/${etag}`);
  };
}

/** The body's bytes when this response may be compressed. */
function compressibleBody(ctx: Context): { bytes: Buffer; reusable: boolean } | undefined {
  const { body } = ctx;
  if (body === null || body === undefined || body instanceof Stream) return undefined;
  if (ctx.method === 'HEAD' || ctx.status === 204 || ctx.status === 304 || ctx.status === 206)
    return undefined;
  if (!compressibleType.test(ctx.response.type)) return undefined;
  if (ctx.response.get('Content-Encoding') || noTransform.test(ctx.response.get('Cache-Control'))) {
    return undefined;
  }
  const reusable = Buffer.isBuffer(body);
  const bytes = reusable ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  return bytes.length >= thresholdBytes ? { bytes, reusable } : undefined;
}

/**
 * The client's preferred coding among brotli and gzip, by the q-values of its Accept-Encoding (RFC 9110,
 * 12.5.3), brotli on a tie; undefined when it accepts neither, or sent no such header (identity, then).
 */
export function preferredCoding(acceptEncoding: string): ContentCoding | undefined {
  if (!acceptEncoding) return undefined;
  const weights = new Map<string, number>();
  for (const item of acceptEncoding.split(',')) {
    const [name = '', ...parameters] = item.split(';');
    const coding = name.trim().toLowerCase();
    if (coding) weights.set(coding === 'x-gzip' ? 'gzip' : coding, weightOf(parameters));
  }
  const wildcard = weights.get('*') ?? 0;
  const br = weights.get('br') ?? wildcard;
  const gzip = weights.get('gzip') ?? wildcard;
  if (br <= 0 && gzip <= 0) return undefined;
  return br >= gzip ? 'br' : 'gzip';
}

/** The q parameter's value; a malformed one makes the coding unacceptable rather than preferred. */
function weightOf(parameters: readonly string[]): number {
  for (const parameter of parameters) {
    const [key = '', value = ''] = parameter.split('=');
    if (key.trim().toLowerCase() !== 'q') continue;
    return /^\s*(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\s*$/.test(value) ? Number(value) : 0;
  }
  return 1;
}
