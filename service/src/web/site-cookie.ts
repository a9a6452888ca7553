import type { Context } from 'koa';

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

  get(ctx: Context): string | undefined {
    return ctx.cookies.get(this.nameFor(ctx), { signed: true });
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
