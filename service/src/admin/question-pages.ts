import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { csrfToken } from '../web/csrf.js';
import { parseId } from '../web/ids.js';
import type { Render } from '../web/views.js';
import type { QuestionEditor } from './question-editor.js';
import { publicPollUrl } from './share-card.js';
import {
  blankRows,
  formatPubDate,
  newQuestionRows,
  readQuestionForm,
  validateQuestionForm,
  type FormErrors,
  type QuestionForm,
} from './question-form.js';

const notFound = 'Question not found.';

/** Create, edit and delete pages for one question with its choices; every route sits behind `session`. */
export function questionPages(
  router: Router,
  session: Middleware,
  editor: QuestionEditor,
  render: Render,
): void {
  const renderForm = (ctx: Context, id: number | undefined, form: QuestionForm, errors: FormErrors = {}) => {
    ctx.body = render('admin/question-form.njk', {
      account: ctx.state.account,
      csrfToken: csrfToken(ctx),
      id,
      form,
      errors,
      errorCount: Object.keys(errors).length,
      // A saved question's page carries its share card (views/admin/question-results.njk).
      publicUrl: id === undefined ? undefined : publicPollUrl(ctx, id),
    });
  };

  const submit = async (ctx: Context, id: number | undefined) => {
    const body = ctx.request.body as Record<string, unknown>;
    const form = readQuestionForm(body);
    if (body.add_row !== undefined) {
      renderForm(ctx, id, { ...form, choices: [...form.choices, ...blankRows(1)] });
      return;
    }
    const errors = validateQuestionForm(form);
    if (Object.keys(errors).length > 0) {
      ctx.status = 422;
      renderForm(ctx, id, form, errors);
      return;
    }
    const saved = await editor.save(id, form);
    if (saved === undefined) ctx.throw(404, notFound);
    ctx.status = 303;
    ctx.redirect(`/admin/?saved=${saved}`);
  };

  const questionId = (ctx: Context): number => {
    const id = parseId(ctx.params.id);
    if (id === undefined) ctx.throw(404, notFound);
    return id;
  };

  router.get('/questions/new', session, (ctx) =>
    renderForm(ctx, undefined, {
      questionText: '',
      pubDate: formatPubDate(new Date()),
      votingRule: 'one-per-browser',
      closesAt: '',
      choices: blankRows(newQuestionRows),
    }),
  );
  router.post('/questions/new', session, (ctx) => submit(ctx, undefined));

  router.get('/questions/:id/edit', session, async (ctx) => {
    const id = questionId(ctx);
    const form = await editor.load(id);
    if (!form) return ctx.throw(404, notFound);
    renderForm(ctx, id, { ...form, choices: [...form.choices, ...blankRows(1)] });
  });
  router.post('/questions/:id/edit', session, (ctx) => submit(ctx, questionId(ctx)));

  router.get('/questions/:id/delete', session, async (ctx) => {
    const id = questionId(ctx);
    const questionText = await editor.textOf(id);
    if (questionText === undefined) ctx.throw(404, notFound);
    ctx.body = render('admin/question-delete.njk', {
      account: ctx.state.account,
      csrfToken: csrfToken(ctx),
      id,
      questionText,
    });
  });
  router.post('/questions/:id/delete', session, async (ctx) => {
    if (!(await editor.delete(questionId(ctx)))) ctx.throw(404, notFound);
    ctx.status = 303;
    ctx.redirect('/admin/?deleted=1');
  });
}
