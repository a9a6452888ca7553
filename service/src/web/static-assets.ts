import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';

const staticDir = fileURLToPath(new URL('../../static/', import.meta.url));
const prefix = '/static/';

const contentTypes: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
  readonly immutable: boolean;
}

export interface StaticAssets {
  /** The fingerprinted URL of a file in static/, for templates. */
  url(file: string): string;
  middleware: Middleware;
}

/**
 * Serves the files of static/ from memory. Each is reachable under a fingerprinted name (cached for a year,
 * immutable: a new version gets a new name) and under its plain name (revalidated), for old links.
 */
export function loadStaticAssets(): StaticAssets {
  const byPath = new Map<string, Asset>();
  const fingerprinted = new Map<string, string>();
  for (const file of readdirSync(staticDir)) {
    const extension = path.extname(file);
    const type = contentTypes[extension];
    if (!type) continue;
    const body = readFileSync(path.join(staticDir, file));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    const etag = `"${hash}"`;
    const hashedName = `${path.basename(file, extension)}.${hash}${extension}`;
    byPath.set(prefix + file, { body, type, etag, immutable: false });
    byPath.set(prefix + hashedName, { body, type, etag, immutable: true });
    fingerprinted.set(file, prefix + hashedName);
  }

  return {
    url(file) {
      const url = fingerprinted.get(file);
      if (!url) throw new Error(`static/${file} does not exist`);
      return url;
    },
    async middleware(ctx, next) {
      if (!ctx.path.startsWith(prefix)) return next();
      const asset = byPath.get(ctx.path);
      if (!asset) return next();
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
        ctx.set('Allow', 'GET, HEAD');
        ctx.status = 405;
        return;
      }
      ctx.set(
        'Cache-Control',
        asset.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      );
      ctx.status = 200; // ctx.fresh only compares validators on a successful response
      ctx.etag = asset.etag;
      ctx.type = asset.type;
      if (ctx.fresh) {
        ctx.status = 304;
        return;
      }
      ctx.body = asset.body;
    },
  };
}
