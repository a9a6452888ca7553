import type { IncomingHttpHeaders } from 'node:http';

/**
 * The cookies a server set, sent back whatever their attributes: the tests reach an app that believes it is
 * on HTTPS (X-Forwarded-Proto) over a plain socket, where a browser's or supertest's jar would keep Secure
 * cookies to itself.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Keeps the cookies of a response's Set-Cookie headers; an emptied one is forgotten. */
  take(headers: IncomingHttpHeaders): void {
    for (const line of headers['set-cookie'] ?? []) {
      const [name = '', value = ''] = line.split(';')[0]!.split('=');
      if (value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The Cookie header to send. */
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
