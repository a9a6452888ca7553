import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import type { ChannelListener } from '../../../src/db/listener.js';
import { countsEvent } from '../../../src/polls/live-results/counts-event.js';
import {
  LiveCounts,
  type LiveCountsOptions,
  type WatchedQuestion,
} from '../../../src/polls/live-results/live-counts.js';
import type { StreamMetrics } from '../../../src/polls/live-results/stream-metrics.js';
import type { Choice } from '../../../src/polls/polls-repository.js';
import { waitFor } from '../../support/wait.js';

/** A listener the test drives: `announce` delivers a payload, `listening` may be switched. */
function fakeListener(listening: boolean) {
  let onEvent: (payload?: string) => void = () => {};
  const listener: ChannelListener & { listening: boolean; announce(payload?: string): void } = {
    listening,
    subscribe: (callback) => (onEvent = callback),
    sync: async () => {},
    close: async () => {},
    announce: (payload) => onEvent(payload),
  };
  return listener;
}

function recordingMetrics() {
  const seen = { opened: 0, closed: 0, sent: 0, dropped: 0, reads: 0 };
  const metrics: StreamMetrics = {
    opened: () => seen.opened++,
    closed: () => seen.closed++,
    refused: () => {},
    sent: (events) => (seen.sent += events),
    dropped: () => seen.dropped++,
    countsRead: () => seen.reads++,
  };
  return { seen, metrics };
}

/** A client that reads everything at once (`received` is what it got), or never (`reading: false`). */
function client({ reading }: { reading: boolean }) {
  const received: string[] = [];
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      received.push(chunk.toString());
      if (reading) done(); // otherwise every later write stays buffered, as on a full socket
    },
  });
  return { sink, received };
}

describe('LiveCounts', () => {
  const votes = { value: 0 };
  const open = (choices: Choice[]): WatchedQuestion => ({ choices, closesAt: null, closed: false });
  const counts = async () => open([{ id: 1, choiceText: 'Yes', votes: votes.value }]);
  const live: LiveCounts[] = [];
  const start = (
    listener: ChannelListener,
    metrics: StreamMetrics,
    options: Partial<LiveCountsOptions> = {},
    read: (questionId: number) => Promise<WatchedQuestion> = counts,
  ) => {
    const created = new LiveCounts(read, listener, metrics, { maxStreams: 10, ...options });
    live.push(created);
    return created;
  };
  const countsSent = (received: readonly string[]) =>
    received.filter((text) => text.includes('event: counts')).map((text) => /"votes":(\d+)/.exec(text)![1]);

  beforeEach(() => (votes.value = 0));
  afterEach(() => {
    for (const created of live.splice(0)) created.closeAll();
  });

  it('reads a question once for any number of announcements before its tick, and sends the result', async () => {
    const listener = fakeListener(true);
    const { seen, metrics } = recordingMetrics();
    const counter = start(listener, metrics);
    const { sink, received } = client({ reading: true });
    counter.watch(7, sink, undefined);
    votes.value = 50;
    for (let i = 0; i < 50; i++) listener.announce('7');
    await waitFor(() => countsSent(received).length > 0, 'the counts are sent');
    assert.equal(seen.reads, 1);
    assert.deepEqual(countsSent(received), ['50']);
  });

  it('sends a stream that joins during a read only counts read after it joined, so a client back from another replica never goes backwards', async () => {
    // Each read sees the votes of the moment it begins, and answers only when the test releases it.
    const reads: { release(): void }[] = [];
    const heldRead = () => {
      const snapshot = votes.value;
      return new Promise<WatchedQuestion>((resolve) =>
        reads.push({ release: () => resolve(open([{ id: 1, choiceText: 'Yes', votes: snapshot }])) }),
      );
    };
    const listener = fakeListener(true);
    const counter = start(listener, recordingMetrics().metrics, { tickMs: 1 }, heldRead);
    const first = client({ reading: true });
    counter.watch(7, first.sink, undefined);
    await waitFor(() => reads.length === 1, 'the first read begins');
    votes.value = 5;
    // This client saw the 5 votes on a replica that died, and reconnects here while the older read runs.
    const seenElsewhere = countsEvent(7, [{ id: 1, choiceText: 'Yes', votes: 5 }]).id;
    const back = client({ reading: true });
    counter.watch(7, back.sink, seenElsewhere);
    reads[0]!.release();
    await waitFor(() => reads.length === 2, 'a read for the client that joined');
    reads[1]!.release();
    await waitFor(() => countsSent(first.received).includes('5'), 'the first client gets the newer counts');
    votes.value = 6;
    listener.announce('7');
    await waitFor(() => reads.length === 3, 'the read after the next vote');
    reads[2]!.release();
    await waitFor(() => countsSent(back.received).length > 0, 'the next counts reach the client');
    assert.deepEqual(countsSent(first.received), ['0', '5', '6']);
    assert.deepEqual(countsSent(back.received), ['6'], 'never the 0 read before it joined');
  });

  it('reads nothing for announcements of questions nobody watches', async () => {
    const listener = fakeListener(true);
    const { seen, metrics } = recordingMetrics();
    start(listener, metrics);
    listener.announce('1,2,3');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(seen.reads, 0);
  });

  it('reads every watched question again when the listener comes back, since announcements may be lost', async () => {
    const listener = fakeListener(true);
    const { metrics } = recordingMetrics();
    const counter = start(listener, metrics, { tickMs: 10 });
    const { sink, received } = client({ reading: true });
    counter.watch(7, sink, undefined);
    await waitFor(() => countsSent(received).length === 1, 'the first counts');
    votes.value = 3; // counted while the listener was down: its announcement never arrived
    listener.announce(undefined);
    await waitFor(() => countsSent(received).length === 2, 'the counts after the listener is back');
    assert.deepEqual(countsSent(received), ['0', '3']);
  });

  it('polls the watched questions while its listener is down, so streams never go silent', async () => {
    const listener = fakeListener(false);
    const { metrics } = recordingMetrics();
    const counter = start(listener, metrics, { tickMs: 10, pollMs: 20 });
    const { sink, received } = client({ reading: true });
    counter.watch(7, sink, undefined);
    await waitFor(() => countsSent(received).length === 1, 'the first counts');
    votes.value = 4;
    await waitFor(() => countsSent(received).includes('4'), 'the new counts without any announcement');
  });

  it('writes a heartbeat comment to idle streams', async () => {
    const { metrics } = recordingMetrics();
    const counter = start(fakeListener(true), metrics, { heartbeatMs: 20 });
    const { sink, received } = client({ reading: true });
    counter.watch(7, sink, undefined);
    await waitFor(() => received.includes(':\n\n'), 'a heartbeat');
  });

  it('never opens a stream whose client left before it was watched', async () => {
    const { seen, metrics } = recordingMetrics();
    const counter = start(fakeListener(true), metrics);
    const { sink } = client({ reading: true });
    sink.destroy();
    await once(sink, 'close');
    counter.watch(7, sink, undefined);
    assert.equal(seen.opened, 0);
  });

  it('drops a client that stops reading once its buffer passes the bound, and counts it', async () => {
    const listener = fakeListener(true);
    const { seen, metrics } = recordingMetrics();
    const counter = start(listener, metrics, { tickMs: 1, maxBufferedBytes: 2_000 });
    const slow = client({ reading: false });
    const fast = client({ reading: true });
    counter.watch(7, slow.sink, undefined);
    counter.watch(7, fast.sink, undefined);
    while (!slow.sink.destroyed) {
      votes.value += 1;
      listener.announce('7');
      const sent = countsSent(fast.received).length;
      await waitFor(() => countsSent(fast.received).length > sent, 'the next counts');
      assert.ok(slow.sink.writableLength < 2_000 + 500, `buffered ${slow.sink.writableLength} bytes`);
    }
    assert.equal(seen.dropped, 1);
    await waitFor(() => seen.closed === 1, 'the dropped stream is forgotten');
    votes.value += 1;
    listener.announce('7');
    await waitFor(
      () => countsSent(fast.received).includes(String(votes.value)),
      'the others still get counts',
    );
  });

  it('at its closing time, with no announcement, sends a closing question the last counts and a closed event, then ends', async () => {
    const closesAt = new Date(Date.now() + 300);
    // The question is closed once its time has passed, as the ballot cache then reads it.
    const closing = async (): Promise<WatchedQuestion> => ({
      choices: [{ id: 1, choiceText: 'Yes', votes: votes.value }],
      closesAt,
      closed: Date.now() >= closesAt.getTime(),
    });
    const { seen, metrics } = recordingMetrics();
    const counter = start(fakeListener(true), metrics, { tickMs: 1 }, closing);
    const { sink, received } = client({ reading: true });
    counter.watch(7, sink, undefined);
    await waitFor(() => countsSent(received).length === 1, 'the counts');
    votes.value = 3;
    await once(sink, 'finish');
    assert.deepEqual(countsSent(received), ['0', '3']);
    assert.match(received.at(-1)!, /^event: closed\ndata: \{"questionId":7,"closesAt":"[^"]+"\}\n\n$/);
    await waitFor(() => seen.closed === 1, 'the ended stream is forgotten');
  });
});
