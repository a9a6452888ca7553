import type Router from '@koa/router';
import type { Context } from 'koa';
import { clientAddress } from '../web/client-address.js';
import { csrfToken, issueCsrfSecret } from '../web/csrf.js';
import type { Render } from '../web/views.js';
import type { Account, AccountsRepository } from './accounts.js';
import { readCredentials } from './credentials.js';
import { QueueFull, WorkQueue } from './work-queue.js';
import type { LoginThrottle } from './login-throttle.js';
import { safeNextPath } from './next-path.js';
import type { SessionStore } from './sessions.js';

const wrongCredentialsMessage = 'The username or password is not correct.';
const busyMessage = 'Too many logins are being checked right now. Try again in a few seconds.';
// One password check at a time per process leaves the other core to the voters; one more may wait its turn
// (about 1 s): a login never waits behind a queue an attacker keeps full.
const concurrentPasswordChecks = 1;
const waitingPasswordChecks = 1;
// Two of the pool's connections at most for counting attempts; a short queue absorbs an editor's burst.
const concurrentThrottleChecks = 2;
const waitingThrottleChecks = 8;
const busyRetryAfterSeconds = 2;

function throttledMessage(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many failed logins for this account from this address. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}

export interface LoginDependencies {
  readonly accounts: AccountsRepository;
  readonly sessions: SessionStore;
  readonly throttle: LoginThrottle;
  readonly render: Render;
}

/**
 * Login and logout, open to everyone: input checked before anything else, every attempt counted before its
 * password is checked, password checks queued, and a new CSRF secret with every new session and its end.
 */
export function loginPages(
  router: Router,
  { accounts, sessions, throttle, render }: LoginDependencies,
): void {
  const passwordChecks = new WorkQueue(concurrentPasswordChecks, waitingPasswordChecks);
  const throttleChecks = new WorkQueue(concurrentThrottleChecks, waitingThrottleChecks);
  const renderLogin = (ctx: Context, next: string, username = '', errorMessage?: string) => {
    ctx.body = render('admin/login.njk', { csrfToken: csrfToken(ctx), next, username, errorMessage });
  };

  router.get('/login', (ctx) => renderLogin(ctx, safeNextPath(ctx.query.next)));

  router.post('/login', async (ctx) => {
    const body = ctx.request.body as Record<string, unknown>;
    const next = safeNextPath(body.next);
    const read = readCredentials(body);
    if ('problem' in read) {
      ctx.status = 422;
      renderLogin(ctx, next, '', read.problem);
      return;
    }
    const { username, password } = read.credentials;
    const address = clientAddress(ctx);
    const refuse = (status: number, retryAfterSeconds: number, message: string) => {
      ctx.status = status;
      ctx.set('Retry-After', String(retryAfterSeconds));
      renderLogin(ctx, next, username, message);
    };
    let account: Account | undefined;
    try {
      const reservation = await throttleChecks.run(0, () => throttle.reserve(username, address));
      if (!reservation.allowed) {
        refuse(429, reservation.retryAfterSeconds, throttledMessage(reservation.retryAfterSeconds));
        return;
      }
      // An address that keeps failing waits behind one that does not.
      account = await passwordChecks.run(reservation.addressFailures, () =>
        accounts.authenticate(username, password),
      );
    } catch (error) {
      if (!(error instanceof QueueFull)) throw error;
      // An attempt refused a password check stays counted: a flood spends its own address's attempts.
      refuse(429, busyRetryAfterSeconds, busyMessage);
      return;
    }
    if (!account) {
      ctx.status = 401;
      renderLogin(ctx, next, username, wrongCredentialsMessage);
      return;
    }
    await throttle.succeeded(username, address);
    await sessions.start(ctx, account);
    // A new session gets a new CSRF secret: a token seen before the login is worthless after it.
    issueCsrfSecret(ctx);
    ctx.status = 303;
    ctx.redirect(next);
  });

  router.post('/logout', async (ctx) => {
    await sessions.end(ctx);
    issueCsrfSecret(ctx);
    ctx.status = 303;
    ctx.redirect('/admin/login');
  });
}
