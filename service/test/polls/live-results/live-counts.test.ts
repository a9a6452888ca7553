import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { ChannelListener } from '../../../src/db/listener.js';
import { countsEvent } from '../../../src/polls/live-results/counts-event.js';
import type { StreamSink } from '../../../src/polls/live-results/event-stream.js';
import {
  LiveCounts,
  type EndedStream,
  type LiveCountsOptions,
  type StreamRequest,
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

/** A stream of `questionId` for `sink`, from one client address unless told otherwise. */
function watching(
  questionId: number,
  sink: StreamSink,
  lastEventId: string | undefined,
  address = '192.0.2.1',
): StreamRequest {
  return { questionId, sink, lastEventId, address, requestId: `request-${questionId}` };
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
    const created = new LiveCounts(read, listener, metrics, {
      maxStreams: 10,
      maxStreamsPerAddress: 10,
      ...options,
    });
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
    counter.watch(watching(7, sink, undefined));
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
    counter.watch(watching(7, first.sink, undefined));
    await waitFor(() => reads.length === 1, 'the first read begins');
    votes.value = 5;
    // This client saw the 5 votes on a replica that died, and reconnects here while the older read runs.
    const seenElsewhere = countsEvent(7, [{ id: 1, choiceText: 'Yes', votes: 5 }]).id;
    const back = client({ reading: true });
    counter.watch(watching(7, back.sink, seenElsewhere));
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
    counter.watch(watching(7, sink, undefined));
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
    counter.watch(watching(7, sink, undefined));
    await waitFor(() => countsSent(received).length === 1, 'the first counts');
    votes.value = 4;
    await waitFor(() => countsSent(received).includes('4'), 'the new counts without any announcement');
  });

  it('writes a heartbeat comment to idle streams', async () => {
    const { metrics } = recordingMetrics();
    const counter = start(fakeListener(true), metrics, { heartbeatMs: 20 });
    const { sink, received } = client({ reading: true });
    counter.watch(watching(7, sink, undefined));
    await waitFor(() => received.includes(':\n\n'), 'a heartbeat');
  });

  it('never opens a stream whose client left before it was watched', async () => {
    const { seen, metrics } = recordingMetrics();
    const counter = start(fakeListener(true), metrics);
    const { sink } = client({ reading: true });
    sink.destroy();
    await once(sink, 'close');
    counter.watch(watching(7, sink, undefined));
    assert.equal(seen.opened, 0);
  });

  it('drops a client that stops reading once its buffer passes the bound, and counts it', async () => {
    const listener = fakeListener(true);
    const { seen, metrics } = recordingMetrics();
    const counter = start(listener, metrics, { tickMs: 1, maxBufferedBytes: 2_000 });
    const slow = client({ reading: false });
    const fast = client({ reading: true });
    counter.watch(watching(7, slow.sink, undefined));
    counter.watch(watching(7, fast.sink, undefined));
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
    counter.watch(watching(7, sink, undefined));
    await waitFor(() => countsSent(received).length === 1, 'the counts');
    votes.value = 3;
    await once(sink, 'finish');
    assert.deepEqual(countsSent(received), ['0', '3']);
    assert.match(received.at(-1)!, /^event: closed\ndata: \{"questionId":7,"closesAt":"[^"]+"\}\n\n$/);
    await waitFor(() => seen.closed === 1, 'the ended stream is forgotten');
  });

  it('refuses an address its share of streams while another address still opens one, and gives the share back when one ends', () => {
    const counter = start(fakeListener(true), recordingMetrics().metrics, { maxStreamsPerAddress: 2 });
    const crowd = [client({ reading: true }), client({ reading: true })];
    for (const { sink } of crowd) {
      assert.equal(counter.refusal('192.0.2.1'), undefined);
      counter.watch(watching(7, sink, undefined, '192.0.2.1'));
    }
    assert.equal(counter.refusal('192.0.2.1'), 'address');
    assert.equal(counter.refusal('198.51.100.7'), undefined);
    crowd[0]!.sink.destroy();
    return waitFor(() => counter.refusal('192.0.2.1') === undefined, 'the address has a free share again');
  });

  it('ends a stream at its lifetime whether or not its client still reads, and says how it ended', async () => {
    const ended: EndedStream[] = [];
    const { seen, metrics } = recordingMetrics();
    const counter = start(fakeListener(true), metrics, {
      heartbeatMs: 10,
      lifetimeMs: 30,
      onEnded: (stream) => ended.push(stream),
    });
    const reading = client({ reading: true });
    const gone = client({ reading: false }); // takes the first write, then never another
    counter.watch(watching(7, reading.sink, undefined));
    counter.watch(watching(7, gone.sink, undefined));
    await waitFor(() => ended.length === 2, 'both streams have ended');
    assert.equal(seen.closed, 2);
    for (const stream of ended) {
      assert.equal(stream.endedBy, 'lifetime');
      assert.equal(stream.questionId, 7);
      assert.equal(stream.requestId, 'request-7');
      assert.ok(stream.durationMs >= 20, `ended after ${stream.durationMs} ms`);
    }
    assert.deepEqual(
      ended.map(({ eventsWritten }) => eventsWritten),
      [1, 1],
      'the counts of the moment, written to both',
    );
  });

  it('says a stream whose client left was ended by its client', async () => {
    const ended: EndedStream[] = [];
    const counter = start(fakeListener(true), recordingMetrics().metrics, {
      onEnded: (stream) => ended.push(stream),
    });
    const { sink, received } = client({ reading: true });
    counter.watch(watching(7, sink, undefined));
    await waitFor(() => countsSent(received).length === 1, 'the first counts');
    sink.destroy();
    await waitFor(() => ended.length === 1, 'the stream has ended');
    assert.equal(ended[0]!.endedBy, 'client-left');
    assert.equal(ended[0]!.eventsWritten, 1);
  });

  it('frees the slot of a client that vanished, on a real socket, within its lifetime and a heartbeat', async () => {
    // A vanished client sends nothing more: no FIN, no RST, no read. The server learns nothing from TCP (its
    // unacknowledged heartbeats would be retransmitted for some 15 minutes), so it must free the slot on its
    // own clock. A loopback socket that stops reading gives the server exactly that silence, and reliably:
    // the client's kernel still acknowledges, which only the (separately tested) slow-client bound could see.
    const ended: EndedStream[] = [];
    const { seen, metrics } = recordingMetrics();
    const counter = start(fakeListener(true), metrics, {
      heartbeatMs: 50,
      lifetimeMs: 300,
      onEnded: (stream) => ended.push(stream),
    });
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      counter.watch(watching(7, response, undefined));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    try {
      socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      await waitFor(() => received.includes('event: counts'), 'the first counts');
      socket.pause(); // gone: from now on it neither reads nor writes
      await waitFor(() => ended.length === 1, 'the server ends the stream by itself');
      assert.equal(ended[0]!.endedBy, 'lifetime');
      assert.equal(seen.opened - seen.closed, 0, 'no slot is held');
    } finally {
      socket.destroy();
      server.close();
    }
  });
});
