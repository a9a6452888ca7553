import Router from '@koa/router';
import type { Knex } from 'knex';
import type { Middleware } from 'koa';
import { csrfToken, requireCsrfToken } from '../web/csrf.js';
import type { Render } from '../web/views.js';
import { AccountsRepository, type Account } from './accounts.js';
import type { ScryptCost } from './passwords.js';
import { LoginThrottle } from './login-throttle.js';
import { loginPages } from './login-pages.js';
import { adminHome } from './next-path.js';
import { QuestionEditor } from './question-editor.js';
import { dateFilters, QuestionList, readListQuery } from './question-list.js';
import { questionPages } from './question-pages.js';
import { resultsOr404 } from './question-results.js';
import { resultsExportRoutes } from './results-export.js';
import { shareCardRoutes } from './share-card.js';
import { SessionStore } from './sessions.js';

// Longer than any page an editor bookmarked; the login redirect carries it in a Location header.
const maxRememberedUrl = 2048;

/**
 * The admin site: login and logout are open, every other page needs a session. `onQuestionsChanged` runs
 * after every committed change to questions or choices; passwords are hashed at `passwordCost`.
 */
export function adminRoutes(
  db: Knex,
  render: Render,
  onQuestionsChanged: () => void,
  passwordCost?: ScryptCost,
): Router {
  const sessions = new SessionStore(db);
  const questions = new QuestionList(db);
  const router = new Router({ prefix: '/admin' });
  router.use(requireCsrfToken());

  loginPages(router, {
    accounts: new AccountsRepository(db, passwordCost),
    sessions,
    throttle: new LoginThrottle(db),
    render,
  });

  const session = requireSession(sessions);
  questionPages(router, session, new QuestionEditor(db, onQuestionsChanged), render);
  const results = resultsOr404(db);
  resultsExportRoutes(router, session, results);
  shareCardRoutes(router, session, results);

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
