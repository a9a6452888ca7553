import assert from 'node:assert/strict';
import type { ChannelListener } from '../../src/db/listener.js';
import {
  indexLength,
  LatestQuestionsCache,
  type LatestIndex,
} from '../../src/polls/latest-questions-cache.js';
import type { LatestQuestions, QuestionSummary } from '../../src/polls/polls-repository.js';

/** A listener the test drives: whether it listens, and when a notification comes. */
class FakeListener implements ChannelListener {
  listening = true;
  private readonly subscribers: (() => void)[] = [];
  subscribe(onEvent: () => void): void {
    this.subscribers.push(onEvent);
  }
  notify(): void {
    for (const subscriber of this.subscribers) subscriber();
  }
  setListening(listening: boolean): void {
    this.listening = listening;
    this.notify();
  }
  sync = async () => {};
  close = async () => {};
}

/** A source that counts its loads and answers each with what `next` says, when `release` lets it. */
class FakeSource {
  loads = 0;
  limits: number[] = [];
  next: LatestQuestions = { questions: [question(1)], msUntilChange: null };
  gate: Promise<void> = Promise.resolve();
  async latestAndNextChange(limit: number): Promise<LatestQuestions> {
    this.loads++;
    this.limits.push(limit);
    const answer = this.next;
    await this.gate;
    return { ...answer, questions: [...answer.questions] };
  }
}

function question(id: number): QuestionSummary {
  return {
    id,
    questionText: `Q${id}`,
    pubDate: new Date(0),
    votingRule: 'one-per-browser',
    closesAt: null,
    closed: false,
  };
}

function ids(index: LatestIndex): number[] {
  return index.questions.map((q) => q.id);
}

describe('LatestQuestionsCache', () => {
  let source: FakeSource;
  let listener: FakeListener;
  let now: number;
  let cache: LatestQuestionsCache;

  beforeEach(() => {
    source = new FakeSource();
    listener = new FakeListener();
    now = 1_000;
    cache = new LatestQuestionsCache(source, listener, () => now);
  });

  it('loads the index once, then answers from memory with the same list', async () => {
    const first = await cache.get();
    const second = await cache.get();
    assert.deepEqual(ids(first), [1]);
    assert.equal(second, first);
    assert.equal(source.loads, 1);
    assert.deepEqual(source.limits, [indexLength]);
  });

  it('shares one load between concurrent callers', async () => {
    const answers = await Promise.all([cache.get(), cache.get(), cache.get()]);
    assert.equal(source.loads, 1);
    assert.deepEqual(answers.map(ids), [[1], [1], [1]]);
  });

  it('loads again after a notification', async () => {
    await cache.get();
    source.next = { questions: [question(2), question(1)], msUntilChange: null };
    listener.notify();
    assert.deepEqual(ids(await cache.get()), [2, 1]);
    assert.equal(source.loads, 2);
  });

  it('loads again after invalidate (this process wrote)', async () => {
    await cache.get();
    cache.invalidate();
    await cache.get();
    assert.equal(source.loads, 2);
  });

  it('never keeps a list whose load began before an invalidation', async () => {
    let release!: () => void;
    source.gate = new Promise((resolve) => (release = resolve));
    const early = cache.get();
    listener.notify(); // a write committed while the load ran: the load may or may not have seen it
    release();
    assert.deepEqual(ids(await early), [1], 'the caller of the early load is still answered');
    source.gate = Promise.resolve();
    await cache.get();
    assert.equal(source.loads, 2, 'the early list was kept');
  });

  it('starts a fresh load for callers arriving after an invalidation', async () => {
    let release!: () => void;
    source.gate = new Promise((resolve) => (release = resolve));
    const early = cache.get();
    cache.invalidate();
    source.next = { questions: [question(3)], msUntilChange: null };
    source.gate = Promise.resolve();
    const late = cache.get();
    release();
    assert.deepEqual(ids(await late), [3]);
    assert.deepEqual(ids(await early), [1]);
    assert.equal(source.loads, 2);
  });

  it('tells how long the list stays as it is, and expires then: a question going public or one closing', async () => {
    source.next = { questions: [question(1)], msUntilChange: 5_000 };
    const index = await cache.get();
    now += 1_500;
    assert.equal(cache.msUntilChange(await cache.get()), 3_500);
    now += 3_500;
    assert.notEqual(await cache.get(), index);
    assert.equal(source.loads, 2);
  });

  it('tells an unending time for a list that nothing scheduled changes', async () => {
    assert.equal(cache.msUntilChange(await cache.get()), Infinity);
  });

  it('expires when the next scheduled question goes public, measured from before the load', async () => {
    source.next = { questions: [question(1)], msUntilChange: 5_000 };
    await cache.get();
    now += 4_999;
    await cache.get();
    assert.equal(source.loads, 1);
    now += 1;
    source.next = { questions: [question(9), question(1)], msUntilChange: null };
    assert.deepEqual(ids(await cache.get()), [9, 1]);
    assert.equal(source.loads, 2);
  });

  it('reads the database on every call while the listener is down, and caches again once it is back', async () => {
    await cache.get();
    listener.setListening(false);
    await cache.get();
    await cache.get();
    assert.equal(source.loads, 3);
    listener.setListening(true);
    await cache.get();
    await cache.get();
    assert.equal(source.loads, 4);
  });

  it('keeps nothing from a load during which the listener went down', async () => {
    let release!: () => void;
    source.gate = new Promise((resolve) => (release = resolve));
    const pending = cache.get();
    listener.setListening(false);
    listener.setListening(true);
    release();
    await pending;
    source.gate = Promise.resolve();
    await cache.get();
    assert.equal(source.loads, 2);
  });

  it('keeps no failed load: the next call tries again', async () => {
    source.gate = Promise.reject(new Error('database down'));
    await assert.rejects(cache.get(), /database down/);
    source.gate = Promise.resolve();
    assert.deepEqual(ids(await cache.get()), [1]);
    assert.equal(source.loads, 2);
  });
});
