import Router from '@koa/router';
import type { Knex } from 'knex';
import type { Context, Middleware } from 'koa';
import { clientAddress } from '../web/client-address.js';
import { csrfToken, issueCsrfSecret, requireCsrfToken } from '../web/csrf.js';
import type { Render } from '../web/views.js';
import { AccountsRepository, type Account } from './accounts.js';
import { readCredentials } from './credentials.js';
import { HashingQueue, HashingQueueFull } from './hashing-queue.js';
import { LoginThrottle } from './login-throttle.js';
import { adminHome, safeNextPath } from './next-path.js';
import { QuestionEditor } from './question-editor.js';
import { dateFilters, QuestionList, readListQuery } from './question-list.js';
import { questionPages } from './question-pages.js';
import { SessionStore } from './sessions.js';

const maxRememberedUrl = 2048;
const wrongCredentialsMessage = 'The username or password is not correct.';
const busyMessage = 'Too many logins are being checked right now. Try again in a few seconds.';
// One password check at a time per process leaves the other core to the voters; one more may wait its turn
// (about 1 s): a login never waits behind a queue an attacker keeps full.
const concurrentPasswordChecks = 1;
const waitingPasswordChecks = 1;
const busyRetryAfterSeconds = 2;

function throttledMessage(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many failed logins for this account from this address. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}

/**
 * The admin site: login and logout are open, every other page needs a session. `onQuestionsChanged` runs
 * after every committed change to questions or choices.
 */
export function adminRoutes(db: Knex, render: Render, onQuestionsChanged: () => void): Router {
  const accounts = new AccountsRepository(db);
  const sessions = new SessionStore(db);
  const throttle = new LoginThrottle(db);
  const passwordChecks = new HashingQueue(concurrentPasswordChecks, waitingPasswordChecks);
  const questions = new QuestionList(db);
  const router = new Router({ prefix: '/admin' });
  router.use(requireCsrfToken());

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
    const reservation = await throttle.reserve(username, address);
    if (!reservation.allowed) {
      refuse(429, reservation.retryAfterSeconds, throttledMessage(reservation.retryAfterSeconds));
      return;
    }
    let account: Account | undefined;
    try {
      // An address that keeps failing waits behind one that does not.
      account = await passwordChecks.run(reservation.addressFailures, () =>
        accounts.authenticate(username, password),
      );
    } catch (error) {
      if (!(error instanceof HashingQueueFull)) throw error;
      // The reserved attempt stays counted: a flood spends its own address's attempts.
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

  const session = requireSession(sessions);
  questionPages(router, session, new QuestionEditor(db, onQuestionsChanged), render);

  router.get('/', session, async (ctx) => {
    ctx.body = render('admin/questions.njk', {
      account: ctx.state.account as Account,
      csrfToken: csrfToken(ctx),
      query: readListQuery(ctx.query),
      list: await questions.find(readListQuery(ctx.query)),
      listUrl: listUrlFrom(ctx.query),
      dateFilters,
      notice: ctx.query.saved
        ? 'The question was saved.'
        : ctx.query.deleted
          ? 'The question was deleted.'
          : undefined,
    });
  });

  return router;
}

/** Builds links that change one part of the list's view (filter, sort, page) and keep the rest. */
function listUrlFrom(current: Record<string, unknown>) {
  return (changes: Record<string, string | number | undefined>) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries({
      ...current,
      saved: undefined,
      deleted: undefined,
      ...changes,
    }))
      if (typeof value === 'string' ? value !== '' : value !== undefined) params.set(name, String(value));
    const search = params.toString();
    return search ? `/admin/?${search}` : '/admin/';
  };
}

/** Sends a visitor without a valid session to the login page, remembering where they were going. */
function requireSession(sessions: SessionStore): Middleware {
  return async (ctx, next) => {
    const account = await sessions.current(ctx);
    if (!account) {
      ctx.status = 303;
      // A URL too long to be a page anyone bookmarked is not echoed into a header no client would accept.
      const next = ctx.originalUrl.length <= maxRememberedUrl ? ctx.originalUrl : adminHome;
      ctx.redirect(`/admin/login?next=${encodeURIComponent(next)}`);
      return;
    }
    ctx.state.account = account;
    ctx.set('Cache-Control', 'no-store');
    await next();
  };
}
