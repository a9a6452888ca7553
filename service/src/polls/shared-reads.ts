/**
 * Reads that concurrent callers share: while a read of a key runs, every caller for that key gets its outcome
 * instead of starting another. A read is forgotten when it settles (or by `forgetAll`), so the next caller
 * starts a new one.
 */
export class SharedReads<Key, Value> {
  private readonly running = new Map<Key, Promise<Value>>();

  /** The read of `key` running now, or else the one `read` starts. */
  get(key: Key, read: () => Promise<Value>): Promise<Value> {
    const running = this.running.get(key);
    if (running) return running;
    const started = read();
    this.running.set(key, started);
    const forget = () => {
      if (this.running.get(key) === started) this.running.delete(key);
    };
    started.then(forget, forget);
    return started;
  }

  /** The read of `key` running now, if any. */
  current(key: Key): Promise<Value> | undefined {
    return this.running.get(key);
  }

  /** The reads running now still answer their callers, but no later caller joins them. */
  forgetAll(): void {
    this.running.clear();
  }
}
