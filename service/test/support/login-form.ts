import { CookieJar } from './cookie-jar.js';

const requestTimeoutMs = 10_000;

/**
 * A browser at `address` (the X-Forwarded-For entry a trusted proxy would append) that fetched the login
 * page for its CSRF cookie and token; the function posts the form with them.
 */
export async function loginForm(
  url: string,
  address: string,
): Promise<(username: string, password: string) => Promise<Response>> {
  const cookies = new CookieJar();
  const page = await fetch(`${url}/admin/login`, {
    headers: { 'X-Forwarded-For': address },
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  cookies.take({ 'set-cookie': page.headers.getSetCookie() });
  const token = /name="csrf_token" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return (username, password) =>
    fetch(`${url}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'X-Forwarded-For': address,
        // What a flood would ask for: answers not worth compressing.
        'Accept-Encoding': 'identity',
        'Content-Type': 'application/x-www-form-urlencoded',
        Cookie: cookies.header(),
      },
      body: new URLSearchParams({ csrf_token: token, username, password }),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
}
