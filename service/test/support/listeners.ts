import type { Knex } from 'knex';
import type Koa from 'koa';
import type { ChannelListener } from '../../src/db/listener.js';
import { questionsChangedChannel } from '../../src/polls/publication.js';
import type { TestDatabase } from './databases.js';
import { testApp } from './app.js';
import { waitFor } from './wait.js';

/** A listener that is up but never hears anything, as when a notification has not arrived yet. */
export const deafListener: ChannelListener = {
  listening: true,
  subscribe: () => {},
  sync: async () => {},
  close: async () => {},
};

/** A listener whose session is down: no cache may trust it. */
export const downListener: ChannelListener = { ...deafListener, listening: false };

/** The app on `db`, but hearing about changes only through `listener`. */
export function appWithListener(db: TestDatabase, listener: ChannelListener): Koa {
  return testApp({ knex: db.knex, listen: () => listener }).app;
}

/**
 * Suite hooks for a cache test: wait until the questions listener listens, then count, in each test, the
 * queries whose SQL contains `marker` (the cache's loads).
 */
export function loadsCountedPerTest(
  suite: { readonly db: TestDatabase },
  marker: string,
): { readonly count: number } {
  let counter: ReturnType<typeof countQueries> | undefined;
  before(async () => {
    const listener = suite.db.listen(questionsChangedChannel);
    await waitFor(() => listener.listening, 'the questions listener listens');
  });
  beforeEach(() => (counter = countQueries(suite.db.knex, marker)));
  afterEach(() => counter?.stop());
  return {
    get count() {
      return counter?.count ?? 0;
    },
  };
}

/** Counts the queries whose SQL contains `marker`, until stopped. */
function countQueries(knex: Knex, marker: string): { readonly count: number; stop(): void } {
  const counter = { count: 0, stop: () => knex.off('query', onQuery) };
  const onQuery = (query: { sql: string }) => {
    if (query.sql.includes(marker)) counter.count++;
  };
  knex.on('query', onQuery);
  return counter;
}
