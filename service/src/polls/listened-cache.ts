import type { ChannelListener } from '../db/listener.js';
import { SharedReads } from './shared-reads.js';

/** A value as read, and for how long it stays current if no write is announced (0: do not keep it). */
export interface Read<Value> {
  readonly value: Value;
  readonly keepForMs: number;
}

interface Kept<Value> {
  readonly value: Value;
  readonly expiresAt: number;
}

/**
 * Values read from the database and kept in memory while nothing can have changed them: until a write is
 * announced (this process's own at once through `invalidate`, every replica's through `listener`) or their
 * time runs out. Concurrent callers for one key share one read; a read that began before an invalidation
 * answers its callers but is never kept. Whenever the listener cannot vouch for missing nothing, every call
 * reads the database.
 */
export class ListenedCache<Key, Value> {
  // Bumped by every invalidation, so a read that started before one is never kept.
  private generation = 0;
  private readonly kept = new Map<Key, Kept<Value>>();
  private readonly reads = new SharedReads<Key, Value>();

  constructor(
    private readonly listener: ChannelListener,
    // Keys may come from clients, so a bound even where far fewer are read at once.
    private readonly maxKept: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    listener.subscribe(() => this.invalidate());
  }

  async get(key: Key, read: () => Promise<Read<Value>>): Promise<Value> {
    if (!this.listener.listening) return (await read()).value;
    const kept = this.kept.get(key);
    if (kept && this.now() < kept.expiresAt) return kept.value;
    return this.reads.get(key, () => this.readAndKeep(key, read));
  }

  /** Forgets every value: the next call for each reads it again. */
  invalidate(): void {
    this.generation += 1;
    this.kept.clear();
    this.reads.forgetAll();
  }

  private async readAndKeep(key: Key, read: () => Promise<Read<Value>>): Promise<Value> {
    const generation = this.generation;
    // Measured from before the read, so a value expires no later than the database's clock says.
    const startedAt = this.now();
    const { value, keepForMs } = await read();
    if (keepForMs > 0 && generation === this.generation) {
      this.kept.delete(key);
      if (this.kept.size >= this.maxKept) this.kept.delete(this.kept.keys().next().value!);
      this.kept.set(key, { value, expiresAt: startedAt + keepForMs });
    }
    return value;
  }
}
