import assert from 'node:assert/strict';
import { CoalescedReads } from '../../src/polls/coalesced-reads.js';

/** A read per call, answered in order when `finish` is called: the value is the read's number (1, 2, …). */
function gatedReads() {
  const pending: { resolve(value: number): void; reject(error: unknown): void }[] = [];
  const source = {
    started: [] as string[],
    read(key: string): Promise<number> {
      source.started.push(key);
      const number = source.started.length;
      return new Promise<number>((resolve, reject) =>
        pending.push({ resolve: () => resolve(number), reject }),
      );
    },
    finish: async () => {
      pending.shift()!.resolve(0);
      await new Promise((resolve) => setImmediate(resolve));
    },
    fail: async (error: Error) => {
      pending.shift()!.reject(error);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return source;
}

describe('CoalescedReads', () => {
  it('answers every request that arrived during a read with the one read that starts after it', async () => {
    const source = gatedReads();
    const reads = new CoalescedReads((key: string) => source.read(key));
    const first = reads.get('q1');
    const during = [reads.get('q1'), reads.get('q1'), reads.get('q1')];
    assert.deepEqual(source.started, ['q1'], 'one read runs at a time');
    await source.finish();
    assert.equal(await first, 1);
    assert.deepEqual(source.started, ['q1', 'q1'], 'the waiting requests got one read of their own');
    await source.finish();
    assert.deepEqual(await Promise.all(during), [2, 2, 2]);
  });

  it('never answers a request with a read that began before it arrived', async () => {
    const source = gatedReads();
    const reads = new CoalescedReads((key: string) => source.read(key));
    const early = reads.get('q1');
    const late = reads.get('q1');
    await source.finish();
    const later = reads.get('q1'); // arrives while the second read runs: must wait for a third
    await source.finish();
    await source.finish();
    assert.deepEqual([await early, await late, await later], [1, 2, 3]);
  });

  it('reads each key on its own', async () => {
    const source = gatedReads();
    const reads = new CoalescedReads((key: string) => source.read(key));
    const answers = [reads.get('q1'), reads.get('q2')];
    assert.deepEqual(source.started, ['q1', 'q2']);
    await source.finish();
    await source.finish();
    assert.deepEqual(await Promise.all(answers), [1, 2]);
  });

  it('fails every request that shared a failed read, and reads again for the next one', async () => {
    const source = gatedReads();
    const reads = new CoalescedReads((key: string) => source.read(key));
    const first = reads.get('q1');
    const shared = [reads.get('q1'), reads.get('q1')].map((answer) =>
      answer.then(String, (error: Error) => error.message),
    );
    await source.finish();
    await first;
    await source.fail(new Error('connection lost'));
    assert.deepEqual(await Promise.all(shared), ['connection lost', 'connection lost']);
    const again = reads.get('q1');
    await source.finish();
    assert.equal(await again, 3);
  });
});
