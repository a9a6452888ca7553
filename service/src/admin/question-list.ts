import type { Knex } from 'knex';
import { openSql, wasPublishedRecently } from '../polls/publication.js';
import type { VotingRule } from '../polls/voting-rules.js';

export interface ListedQuestion {
  readonly id: number;
  readonly questionText: string;
  readonly pubDate: Date;
  readonly publishedRecently: boolean;
  readonly votingRule: VotingRule;
  readonly closesAt: Date | null;
  /** Past its closing time when the list was read, by the database's clock. */
  readonly closed: boolean;
  readonly choiceCount: number;
  readonly totalVotes: number;
}

export const dateFilters = {
  today: 'Today',
  week: 'Past 7 days',
  month: 'This month',
  year: 'This year',
  future: 'Scheduled',
} as const;
export type DateFilter = keyof typeof dateFilters;

const sortColumns = {
  text: 'questions.question_text',
  date: 'questions.pub_date',
  choices: 'choice_count',
  votes: 'total_votes',
} as const;
export type SortKey = keyof typeof sortColumns;

export interface ListQuery {
  readonly search: string;
  readonly date?: DateFilter;
  readonly noChoices: boolean;
  readonly sort: SortKey;
  readonly descending: boolean;
  readonly page: number;
}

export interface ListPage {
  readonly questions: ListedQuestion[];
  readonly total: number;
  readonly page: number;
  readonly pageCount: number;
}

export const pageSize = 20;
const day = 24 * 60 * 60 * 1000;

/** Reads the list's query string leniently: anything unknown falls back to the default view. */
export function readListQuery(query: Record<string, unknown>): ListQuery {
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  const date = text(query.date);
  const sort = text(query.sort);
  const page = Number(text(query.page));
  return {
    search: text(query.q).slice(0, 200),
    // Own properties only: `constructor` or `toString` are "in" every object.
    ...(Object.hasOwn(dateFilters, date) ? { date: date as DateFilter } : {}),
    noChoices: text(query.no_choices) === '1',
    sort: Object.hasOwn(sortColumns, sort) ? (sort as SortKey) : 'date',
    descending: text(query.dir) !== 'asc',
    page: Number.isSafeInteger(page) && page > 0 ? page : 1,
  };
}

/** The questions as the admin sees them: every one, published or not, with its choice and vote totals. */
export class QuestionList {
  constructor(private readonly db: Knex) {}

  async find(query: ListQuery, now = new Date()): Promise<ListPage> {
    const filtered = this.db('questions')
      .leftJoin('choices', 'choices.question_id', 'questions.id')
      .groupBy('questions.id')
      .select(
        'questions.id',
        'questions.question_text',
        'questions.pub_date',
        'questions.voting_rule',
        'questions.closes_at',
        this.db.raw(`not ${openSql('questions')} as closed`),
        this.db.raw('count(choices.id)::int as choice_count'),
        this.db.raw('coalesce(sum(choices.votes), 0)::bigint as total_votes'),
      );
    if (query.search)
      filtered.whereILike('questions.question_text', `%${query.search.replace(/[\\%_]/g, '\\$&')}%`);
    if (query.date === 'future') filtered.where('questions.pub_date', '>', now);
    else if (query.date) filtered.whereBetween('questions.pub_date', [periodStart(query.date, now), now]);
    if (query.noChoices) filtered.havingRaw('count(choices.id) = 0');

    const [{ total }] = (await this.db.from(filtered.clone().as('filtered')).count({ total: '*' })) as [
      { total: string | number },
    ];
    const pageCount = Math.max(1, Math.ceil(Number(total) / pageSize));
    const page = Math.min(query.page, pageCount);
    const order = query.descending ? 'desc' : 'asc';
    const rows = (await filtered
      .orderBy([
        { column: sortColumns[query.sort], order },
        { column: 'questions.id', order },
      ])
      .limit(pageSize)
      .offset((page - 1) * pageSize)) as {
      id: number;
      question_text: string;
      pub_date: Date;
      voting_rule: VotingRule;
      closes_at: Date | null;
      closed: boolean;
      choice_count: number;
      // bigint: a string from pg, a number from PGlite; Number() reads both (exact below 2^53).
      total_votes: string | number;
    }[];
    return {
      total: Number(total),
      page,
      pageCount,
      questions: rows.map((row) => {
        const pubDate = new Date(row.pub_date);
        return {
          id: row.id,
          questionText: row.question_text,
          pubDate,
          publishedRecently: wasPublishedRecently(pubDate, now),
          votingRule: row.voting_rule,
          closesAt: row.closes_at ? new Date(row.closes_at) : null,
          closed: row.closed,
          choiceCount: Number(row.choice_count),
          totalVotes: Number(row.total_votes),
        };
      }),
    };
  }
}

function periodStart(filter: Exclude<DateFilter, 'future'>, now: Date): Date {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  if (filter === 'today') return new Date(Date.UTC(year, month, now.getUTCDate()));
  if (filter === 'week') return new Date(now.getTime() - 7 * day);
  if (filter === 'month') return new Date(Date.UTC(year, month, 1));
  return new Date(Date.UTC(year, 0, 1));
}
