import Router from '@koa/router';
import type { Knex } from 'knex';
import type { Context, Middleware } from 'koa';
import { csrfToken, requireCsrfToken } from '../web/csrf.js';
import type { Render } from '../web/views.js';
import { AccountsRepository, type Account } from './accounts.js';
import { LoginThrottle } from './login-throttle.js';
import { safeNextPath } from './next-path.js';
import { QuestionEditor } from './question-editor.js';
import { dateFilters, QuestionList, readListQuery } from './question-list.js';
import { questionPages } from './question-pages.js';
import { SessionStore } from './sessions.js';

const throttledMessage =
  'Too many failed logins for this account or from this address. Wait 15 minutes, then try again.';
const wrongCredentialsMessage = 'The username or password is not correct.';

/**
 * The admin site: login and logout are open, every other page needs a session. `onQuestionsChanged` runs
 * after every committed change to questions or choices.
 */
export function adminRoutes(db: Knex, render: Render, onQuestionsChanged: () => void): Router {
  const accounts = new AccountsRepository(db);
  const sessions = new SessionStore(db);
  const throttle = new LoginThrottle(db);
  const questions = new QuestionList(db);
  const router = new Router({ prefix: '/admin' });
  router.use(requireCsrfToken());

  const renderLogin = (ctx: Context, next: string, username = '', errorMessage?: string) => {
    ctx.body = render('admin/login.njk', { csrfToken: csrfToken(ctx), next, username, errorMessage });
  };

  router.get('/login', (ctx) => renderLogin(ctx, safeNextPath(ctx.query.next)));

  router.post('/login', async (ctx) => {
    const body = ctx.request.body as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNextPath(body.next);
    if (await throttle.isBlocked(username, ctx.ip)) {
      ctx.status = 429;
      ctx.set('Retry-After', '900');
      renderLogin(ctx, next, username, throttledMessage);
      return;
    }
    const account = username && password ? await accounts.authenticate(username, password) : undefined;
    if (!account) {
      await throttle.recordFailure(username, ctx.ip);
      ctx.status = 401;
      renderLogin(ctx, next, username, wrongCredentialsMessage);
      return;
    }
    await throttle.reset(username, ctx.ip);
    await sessions.start(ctx, account);
    ctx.status = 303;
    ctx.redirect(next);
  });

  router.post('/logout', async (ctx) => {
    await sessions.end(ctx);
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
      ctx.redirect(`/admin/login?next=${encodeURIComponent(ctx.originalUrl)}`);
      return;
    }
    ctx.state.account = account;
    ctx.set('Cache-Control', 'no-store');
    await next();
  };
}
