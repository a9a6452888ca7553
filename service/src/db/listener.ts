import type { PGlite } from '@electric-sql/pglite';
import { createRequire } from 'node:module';
import type pg from 'pg';

// Required when a server session is first opened, not imported: a process on the embedded database never
// opens one, and loads pg never (service/bundle.mjs).
const requireOnUse = createRequire(import.meta.url);

/** PostgreSQL notifications on one channel, and whether they can be trusted to arrive. */
export interface ChannelListener {
  /** True while LISTEN is in place on a session known to be alive: no notification can be missed. */
  readonly listening: boolean;
  /**
   * Runs `onEvent` with the payload of every notification, and without one whenever `listening` changes
   * (some may have been missed).
   */
  subscribe(onEvent: (payload?: string) => void): void;
  /**
   * Resolves once the notifications of every transaction committed before the call have been delivered;
   * at once when not listening. Never rejects: a session that fails here is treated as lost.
   */
  sync(): Promise<void>;
  close(): Promise<void>;
}

// A session that died without a word (a network partition, a failover) is noticed within about 7 s.
const heartbeatMs = 5_000;
const queryTimeoutMs = 2_000;
const firstRetryMs = 250;
const maxRetryMs = 5_000;

/** A dedicated session on a PostgreSQL server (LISTEN needs one of its own), reconnecting when lost. */
export function listenOnServer(connection: pg.ClientConfig, channel: string): ChannelListener {
  return new ServerListener(connection, channel);
}

/**
 * PGlite runs in this process and delivers a notification before the query that caused it resolves, so the
 * listener is up as soon as LISTEN ran, never loses its session, and has nothing to wait for in `sync`.
 */
export function listenOnPGlite(pglite: PGlite, channel: string): ChannelListener {
  const subscribers = new Subscribers();
  let listening = false;
  let closed = false;
  const unlisten = pglite
    .listen(channel, (payload) => subscribers.notify(payload))
    .then((stop) => {
      listening = !closed;
      subscribers.notify();
      return stop;
    });
  return {
    get listening() {
      return listening;
    },
    subscribe: (onEvent) => subscribers.add(onEvent),
    sync: async () => {},
    async close() {
      closed = true;
      listening = false;
      await (
        await unlisten
      )();
    },
  };
}

class Subscribers {
  private readonly callbacks: ((payload?: string) => void)[] = [];

  add(callback: (payload?: string) => void): void {
    this.callbacks.push(callback);
  }

  notify(payload?: string): void {
    for (const callback of this.callbacks) callback(payload);
  }
}

class ServerListener implements ChannelListener {
  private readonly subscribers = new Subscribers();
  /** The current session: connecting, or listening once `isListening` is set. */
  private client: pg.Client | undefined;
  private isListening = false;
  private closed = false;
  private retryMs = firstRetryMs;
  private heartbeat: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: pg.ClientConfig,
    private readonly channel: string,
  ) {
    void this.connect();
  }

  get listening(): boolean {
    return this.isListening;
  }

  subscribe(onEvent: (payload?: string) => void): void {
    this.subscribers.add(onEvent);
  }

  // The server sends pending notifications before it reports a query done, so once a query issued after a
  // commit has returned on this session, that commit's notification has been handled.
  async sync(): Promise<void> {
    const client = this.client;
    if (!this.isListening || !client) return;
    try {
      await client.query('select 1');
    } catch {
      this.lost(client);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.isListening = false;
    clearInterval(this.heartbeat);
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const { Client } = requireOnUse('pg') as typeof pg;
    const client = new Client({
      ...this.connection,
      application_name: 'polls-listener',
      keepAlive: true,
      query_timeout: queryTimeoutMs,
    });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.subscribers.notify(message.payload ?? '');
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`listen ${client.escapeIdentifier(this.channel)}`);
    } catch {
      this.lost(client);
      return;
    }
    if (this.client !== client) return; // lost or closed meanwhile
    this.isListening = true;
    this.retryMs = firstRetryMs;
    this.heartbeat = setInterval(() => void this.sync(), heartbeatMs).unref();
    this.subscribers.notify();
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return; // an old session's late error or end
    this.client = undefined;
    const wasListening = this.isListening;
    this.isListening = false;
    clearInterval(this.heartbeat);
    client.end().catch(() => {});
    if (wasListening) this.subscribers.notify();
    if (this.closed) return;
    this.retry = setTimeout(() => void this.connect(), this.retryMs).unref();
    this.retryMs = Math.min(this.retryMs * 2, maxRetryMs);
  }
}
