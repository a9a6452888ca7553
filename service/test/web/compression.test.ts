import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Koa, { type Middleware } from 'koa';
import supertest from 'supertest';
import { compressResponses, preferredCoding } from '../../src/web/compression.js';
import { rawRequest, type RawResponse } from '../support/raw-request.js';

const page = '<p>' + 'A poll, and another poll. '.repeat(100) + '</p>';

/** `app` on a port of its own for one raw GET of `path`. */
async function fetchRaw(app: Koa, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return await rawRequest(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, { headers });
  } finally {
    server.close();
  }
}

const servePage: Middleware = (ctx) => {
  ctx.type = 'html';
  ctx.body = page;
};

function appServing(handler: Middleware): Koa {
  const app = new Koa();
  app.use(compressResponses());
  app.use(handler);
  return app;
}

describe('compressResponses', () => {
  describe('preferredCoding', () => {
    it('prefers brotli, and takes gzip when brotli is not accepted', () => {
      assert.equal(preferredCoding('gzip, deflate, br, zstd'), 'br');
      assert.equal(preferredCoding('gzip, deflate'), 'gzip');
      assert.equal(preferredCoding('x-gzip'), 'gzip');
    });

    it('follows q-values, and a coding with q=0 is refused', () => {
      assert.equal(preferredCoding('br;q=0.5, gzip;q=0.9'), 'gzip');
      assert.equal(preferredCoding('br;q=0, gzip'), 'gzip');
      assert.equal(preferredCoding('br;q=0, gzip;q=0'), undefined);
    });

    it('reads the wildcard for codings not named', () => {
      assert.equal(preferredCoding('*'), 'br');
      assert.equal(preferredCoding('br;q=0, *'), 'gzip');
      assert.equal(preferredCoding('*;q=0'), undefined);
    });

    it('sends identity for no header, an unknown coding, or a malformed q', () => {
      assert.equal(preferredCoding(''), undefined);
      assert.equal(preferredCoding('identity, deflate'), undefined);
      assert.equal(preferredCoding('br;q=2, gzip;q=abc'), undefined);
    });
  });

  it('compresses an HTML page with brotli for a browser, and the bytes decode to the page', async () => {
    const app = appServing(servePage);
    const { headers, bytes } = await fetchRaw(app, '/', { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(headers['content-encoding'], 'br');
    assert.equal(headers['vary'], 'Accept-Encoding');
    assert.ok(bytes.length < page.length / 4, `${bytes.length} bytes for a ${page.length}-byte page`);
    assert.equal(brotliDecompressSync(bytes).toString(), page);
  });

  it('compresses JSON with gzip and marks a strong ETag weak', async () => {
    const body = { questions: Array.from({ length: 50 }, (_, id) => ({ id, text: `Question ${id}?` })) };
    const app = appServing((ctx) => {
      ctx.etag = 'abc';
      ctx.body = body;
    });
    const { headers, bytes } = await fetchRaw(app, '/', { 'Accept-Encoding': 'gzip' });
    assert.equal(headers['content-encoding'], 'gzip');
    assert.equal(headers['etag'], 'W/"abc"');
    assert.deepEqual(JSON.parse(gunzipSync(bytes).toString()), body);
  });

  it('compresses a Buffer body once per coding and sends the same bytes again', async () => {
    const buffer = Buffer.from(page);
    const app = appServing((ctx) => {
      ctx.type = 'html';
      ctx.body = buffer;
    });
    const first = await fetchRaw(app, '/', { 'Accept-Encoding': 'br' });
    const second = await fetchRaw(app, '/', { 'Accept-Encoding': 'br' });
    assert.equal(first.headers['content-encoding'], 'br');
    assert.deepEqual(first.bytes, second.bytes);
    assert.equal(brotliDecompressSync(second.bytes).toString(), page);
  });

  it('leaves small bodies, images, no-transform, HEAD and streams alone', async () => {
    const cases: [string, Middleware][] = [
      ['small', (ctx) => void (ctx.body = 'short text')],
      [
        'image',
        (ctx) => {
          ctx.type = 'png';
          ctx.body = Buffer.alloc(4096);
        },
      ],
      [
        'no-transform',
        (ctx) => {
          ctx.set('Cache-Control', 'no-transform');
          ctx.type = 'html';
          ctx.body = page;
        },
      ],
      [
        'stream',
        (ctx) => {
          ctx.type = 'html';
          ctx.body = Readable.from([page]);
        },
      ],
    ];
    for (const [name, handler] of cases) {
      const { headers, bytes } = await fetchRaw(appServing(handler), '/', { 'Accept-Encoding': 'br, gzip' });
      assert.equal(headers['content-encoding'], undefined, name);
      assert.ok(bytes.length > 0, name);
    }
    const head = await supertest(appServing(servePage).callback()).head('/').set('Accept-Encoding', 'br');
    assert.equal(head.headers['content-encoding'], undefined);
  });

  it('sends identity to a client that accepts no coding of ours, with Vary still set', async () => {
    const app = appServing(servePage);
    const { headers, bytes } = await fetchRaw(app, '/', { 'Accept-Encoding': 'identity' });
    assert.equal(headers['content-encoding'], undefined);
    assert.equal(headers['vary'], 'Accept-Encoding');
    assert.equal(bytes.toString(), page);
  });
});
