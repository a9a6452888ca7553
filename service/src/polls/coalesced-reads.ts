import { SharedReads } from './shared-reads.js';

/**
 * Reads that concurrent requests for the same key share, as votes share a commit: at most one read per key
 * runs, and the requests that arrive meanwhile all wait for the one read that starts after it. Each request
 * is answered by a read that began after the request arrived, so it sees every write committed before it
 * was sent (a voter sent on to the results sees their vote), and 32 requests for one hot question cost two
 * reads instead of 32.
 */
export class CoalescedReads<Key, Value> {
  private readonly running = new SharedReads<Key, Value>();
  // Per key, the answer of the requests waiting for the next read; gone once that read starts.
  private readonly waiting = new Map<Key, Promise<Value>>();

  constructor(private readonly read: (key: Key) => Promise<Value>) {}

  get(key: Key): Promise<Value> {
    const running = this.running.current(key);
    if (!running) return this.start(key);
    // The running read may have begun before this request arrived: wait for the next one.
    let next = this.waiting.get(key);
    if (!next) {
      next = running.then(ignore, ignore).then(() => {
        this.waiting.delete(key);
        return this.start(key);
      });
      this.waiting.set(key, next);
    }
    return next;
  }

  private start(key: Key): Promise<Value> {
    return this.running.get(key, () => this.read(key));
  }
}

function ignore(): void {}
