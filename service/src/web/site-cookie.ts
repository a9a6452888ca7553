import type { Context } from 'koa';

/** The app's signing keys (app.ts sets a CookieKeys, which signs and checks as Keygrip does). */
function keysOf(ctx: Context): { index(data: string, digest: string): number } {
  const keys = ctx.app.keys;
  if (!keys || Array.isArray(keys)) throw new Error('app.keys must be set to sign cookies');
  return keys;
}

/**
 * A signed, httpOnly, SameSite=Lax cookie for the whole site. Over HTTPS (ctx.secure: behind a trusted proxy,
 * X-Forwarded-Proto) it is Secure and named with the `__Host-` prefix, which browsers accept only with
 * Secure, Path=/ and no Domain: neither a plain-HTTP page nor a sibling subdomain can set or shadow it.
 */
export class SiteCookie {
  /** `maxAgeMs` makes the cookie outlive the browser session; without it, it ends with the session. */
  constructor(
    private readonly name: string,
    private readonly maxAgeMs?: number,
  ) {}

  /**
   * The value, if its signature is good. Checked here rather than by the cookies library, which re-signs a
   * cookie signed by an older key (after a SESSION_KEYS rotation) with its own defaults: the new `.sig` cookie
   * lost SameSite=Lax and Secure, and a `__Host-` one without Secure is refused by browsers. Re-signed here, by
   * `set`, both cookies keep every attribute.
   */
  get(ctx: Context): string | undefined {
    const name = this.nameFor(ctx);
    const value = ctx.cookies.get(name, { signed: false });
    const signature = ctx.cookies.get(`${name}.sig`, { signed: false });
    if (value === undefined || signature === undefined) return undefined;
    const keyIndex = keysOf(ctx).index(`${name}=${value}`, signature);
    if (keyIndex === -1) return undefined;
    if (keyIndex > 0) this.set(ctx, value);
    return value;
  }

  set(ctx: Context, value: string): void {
    ctx.cookies.set(this.nameFor(ctx), value, {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: ctx.secure,
      // Replaced, not added to, when set twice in one response (a secret renewed after a token was issued).
      overwrite: true,
      ...(this.maxAgeMs !== undefined && { maxAge: this.maxAgeMs }),
    });
  }

  /** Expires the cookie and its signature (`signed: true` here would sign the empty value afresh). */
  clear(ctx: Context): void {
    const name = this.nameFor(ctx);
    for (const cleared of [name, `${name}.sig`])
      ctx.cookies.set(cleared, null, { path: '/', secure: ctx.secure, overwrite: true });
  }

  private nameFor(ctx: Context): string {
    return ctx.secure ? `__Host-${this.name}` : this.name;
  }
}
