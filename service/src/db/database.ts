import type { Knex } from 'knex';
import type { ChannelListener } from './listener.js';

/** An open database, on a PostgreSQL server (db/connect.ts) or embedded (db/embedded.ts). */
export interface Database {
  readonly knex: Knex;
  /** `embedded` is PGlite in DATA_DIR: one process, migrated on start. */
  readonly kind: 'server' | 'embedded';
  /** The listener of `channel` on this database: one per channel, shared, closed with the database. */
  listen(channel: string): ChannelListener;
  close(): Promise<void>;
}

/** The database around `db`, with its listeners made by `listen`, closed before `db` is destroyed. */
export function withListeners(
  kind: Database['kind'],
  db: Knex,
  listen: (channel: string) => ChannelListener,
  release: () => void = () => {},
): Database {
  const listeners = new Listeners(listen);
  return {
    knex: db,
    kind,
    listen: (channel) => listeners.get(channel),
    async close() {
      await listeners.close();
      await db.destroy();
      release();
    },
  };
}

/** One listener per channel, made on first use: every part of the process that listens shares its session. */
class Listeners {
  private readonly byChannel = new Map<string, ChannelListener>();

  constructor(private readonly create: (channel: string) => ChannelListener) {}

  get(channel: string): ChannelListener {
    let listener = this.byChannel.get(channel);
    if (!listener) {
      listener = this.create(channel);
      this.byChannel.set(channel, listener);
    }
    return listener;
  }

  async close(): Promise<void> {
    await Promise.all([...this.byChannel.values()].map((listener) => listener.close()));
    this.byChannel.clear();
  }
}
