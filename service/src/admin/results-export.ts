import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { percentText } from './result-shares.js';
import type { QuestionResults, ResultsOr404 } from './question-results.js';

// Excel opens a CSV file as UTF-8 only when it starts with the byte order mark; without one it reads the
// bytes in the machine's ANSI code page, and "é" shows as "Ã©".
const byteOrderMark = '\uFEFF';

// OWASP, "CSV Injection" (owasp.org/www-community/attacks/CSV_Injection): spreadsheets take a cell that begins
// with = + - @, a tab or a carriage return (a line feed too, added in 2025) as a formula, which can fetch URLs
// or run commands on the editor's machine; OWASP ASVS 5.0 (V1.2.10) adds NUL. Such a cell gets a leading
// single quote, which spreadsheets read as "text follows": the editor sees it, and no formula runs.
const formulaStart = /^[=+\-@\t\r\n\0]/;

/**
 * One text cell: neutralised as above, then quoted with its quotes doubled (RFC 4180, 2.6 and 2.7), so commas
 * and line breaks stay inside it. Every text cell is quoted, as OWASP advises; numbers are not, so a
 * spreadsheet reads them as numbers.
 */
export function csvTextCell(text: string): string {
  const neutral = formulaStart.test(text) ? `'${text}` : text;
  return `"${neutral.replaceAll('"', '""')}"`;
}

/** The choices as a table: choice, votes, share in percent with one decimal; UTF-8 with a byte order mark. */
export function resultsCsv(results: QuestionResults): string {
  const rows = [
    ['Choice', 'Votes', 'Share (%)'].map(csvTextCell),
    ...results.choices.map((choice) => [
      csvTextCell(choice.choiceText),
      choice.votes.toString(),
      percentText(choice.shareInTenthsOfAPercent),
    ]),
  ];
  // RFC 4180, 2.1: every record ends with CRLF, the last one included.
  return byteOrderMark + rows.map((cells) => `${cells.join(',')}\r\n`).join('');
}

/**
 * The same counts with what they belong to: the question, when it was published, its voting rule and closing
 * time (as the API names them), and when the counts were read.
 */
export function resultsJson(results: QuestionResults): object {
  return {
    id: results.id,
    questionText: results.questionText,
    pubDate: results.pubDate.toISOString(),
    votingRule: results.votingRule,
    closesAt: results.closesAt?.toISOString() ?? null,
    closed: results.closed,
    readAt: results.readAt.toISOString(),
    // Numbers, as in the API: exact up to 2^53 votes.
    totalVotes: Number(results.totalVotes),
    choices: results.choices.map((choice) => ({
      id: choice.id,
      choiceText: choice.choiceText,
      votes: Number(choice.votes),
      share: choice.shareInTenthsOfAPercent / 10,
    })),
  };
}

/**
 * The file's name: `poll-12-Tea-or-coffee-results.csv`, the question's letters and digits in runs joined by
 * hyphens (no quote, slash, dot or control character of any question text gets in), at most 60 of them; the
 * ASCII `poll-12-results.csv` for clients that read only the plain `filename` parameter (RFC 6266, 4.3).
 */
export function downloadNames(
  results: QuestionResults,
  extension: string,
): { name: string; fallback: string } {
  const words = results.questionText.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? [];
  const slug = Array.from(words.join('-')).slice(0, 60).join('').replace(/-+$/, '');
  const fallback = `poll-${results.id}-results.${extension}`;
  return { name: slug ? `poll-${results.id}-${slug}-results.${extension}` : fallback, fallback };
}

/** The export routes of the question page; both sit behind `session`, whose pages are never stored. */
export function resultsExportRoutes(router: Router, session: Middleware, resultsOr404: ResultsOr404): void {
  const download = (
    ctx: Context,
    results: QuestionResults,
    type: string,
    extension: string,
    body: string,
  ) => {
    ctx.type = type;
    // Koa's attachment(): the content-disposition package writes `filename` and the RFC 8187 `filename*`.
    const { name, fallback } = downloadNames(results, extension);
    ctx.attachment(name, { fallback });
    ctx.body = body;
  };

  router.get('/questions/:id/results.csv', session, async (ctx) => {
    const results = await resultsOr404(ctx);
    download(ctx, results, 'text/csv; charset=utf-8', 'csv', resultsCsv(results));
  });
  router.get('/questions/:id/results.json', session, async (ctx) => {
    const results = await resultsOr404(ctx);
    download(
      ctx,
      results,
      'application/json; charset=utf-8',
      'json',
      JSON.stringify(resultsJson(results), null, 2),
    );
  });
}
