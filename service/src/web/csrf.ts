import { timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { pooledRandomBytes } from './random-pool.js';
import { SiteCookie } from './site-cookie.js';

const cookie = new SiteCookie('polls_csrf');
const secretBytes = 32;
const formField = 'csrf_token';
// Where a secret issued during this request is kept, so later tokens in the same response reuse it.
const issuedSecret = 'csrfSecretIssued';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A token for a form. The secret lives in a signed, httpOnly cookie; each token is the secret XOR a fresh
 * random mask, so the page never carries the same bytes twice (compressed responses cannot leak it, BREACH).
 */
export function csrfToken(ctx: Context): string {
  const secret = readSecret(ctx) ?? issueCsrfSecret(ctx);
  const mask = pooledRandomBytes(secretBytes);
  return Buffer.concat([mask, xor(mask, secret)]).toString('base64url');
}

/** Refuses unsafe requests whose form field `csrf_token` (or X-CSRF-Token header) does not match the cookie. */
export function requireCsrfToken(): Middleware {
  return async (ctx, next) => {
    if (unsafeMethods.has(ctx.method) && !tokenMatches(ctx)) {
      ctx.throw(403, 'This form has expired or came from another site. Reload the page and try again.');
    }
    await next();
  };
}

export const csrfFormField = formField;

function tokenMatches(ctx: Context): boolean {
  const secret = readSecret(ctx);
  const body = ctx.request.body as Record<string, unknown> | undefined;
  const submitted = body?.[formField] ?? ctx.get('X-CSRF-Token');
  if (!secret || typeof submitted !== 'string') return false;
  const token = Buffer.from(submitted, 'base64url');
  if (token.length !== secretBytes * 2) return false;
  const unmasked = xor(token.subarray(0, secretBytes), token.subarray(secretBytes));
  return timingSafeEqual(unmasked, secret);
}

function readSecret(ctx: Context): Buffer | undefined {
  const issued = ctx.state[issuedSecret] as Buffer | undefined;
  if (issued) return issued;
  const value = cookie.get(ctx);
  if (!value) return undefined;
  const secret = Buffer.from(value, 'base64url');
  return secret.length === secretBytes ? secret : undefined;
}

/** A new secret for the visitor; at login and logout it makes every token issued before worthless. */
export function issueCsrfSecret(ctx: Context): Buffer {
  const secret = pooledRandomBytes(secretBytes);
  cookie.set(ctx, secret.toString('base64url'));
  ctx.state[issuedSecret] = secret;
  return secret;
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}
