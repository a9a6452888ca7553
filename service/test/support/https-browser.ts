import type Koa from 'koa';
import supertest from 'supertest';
import { formToken } from './app.js';
import { adminPassword, adminUsername } from './admin.js';
import { CookieJar } from './cookie-jar.js';

/** A browser on https:// behind a trusted proxy (X-Forwarded-Proto), keeping its Secure cookies. */
export function httpsBrowser(app: Koa) {
  const cookies = new CookieJar();
  const send = async (
    method: 'get' | 'post',
    path: string,
    form?: Record<string, string>,
    headers: Record<string, string> = {},
  ) => {
    const outgoing = supertest(app.callback())
      [method](path)
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', cookies.header())
      .set(headers);
    const response = await (form ? outgoing.type('form').send(form) : outgoing);
    cookies.take(response.headers);
    return response;
  };
  return {
    /** `headers` add to (or replace) what the proxy sends. */
    get: (path: string, headers?: Record<string, string>) => send('get', path, undefined, headers),
    post: (path: string, form: Record<string, string>) => send('post', path, form),
    async login() {
      const page = await send('get', '/admin/login');
      const token = formToken(page.text);
      const response = await send('post', '/admin/login', {
        csrf_token: token,
        username: adminUsername,
        password: adminPassword,
      });
      return { page, token, response };
    },
  };
}
