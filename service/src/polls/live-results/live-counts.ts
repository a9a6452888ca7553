import type { ChannelListener } from '../../db/listener.js';
import type { Choice } from '../polls-repository.js';
import { closedEvent, countsEvent } from './counts-event.js';
import { EventStream, type StreamEnd, type StreamSink } from './event-stream.js';
import type { Refusal, StreamMetrics } from './stream-metrics.js';
import { questionIdsOf } from './votes-counted.js';

export interface LiveCountsOptions {
  /** Open streams this process keeps at most. */
  readonly maxStreams: number;
  /** Open streams one client address may hold (a school's NAT is one address for hundreds of viewers). */
  readonly maxStreamsPerAddress: number;
  /** A question's counts are read at most once per tick, however many votes and viewers it has. */
  readonly tickMs?: number;
  /** While the listener is down no notification can be trusted: every watched question is read this often. */
  readonly pollMs?: number;
  /** A comment this often keeps idle streams open through the ALB (60 s) and the ingress (proxy read timeout). */
  readonly heartbeatMs?: number;
  /** What a client may leave unread before it is dropped. */
  readonly maxBufferedBytes?: number;
  /**
   * A stream is ended, and its client reconnects, between two thirds of this and all of it after opening
   * (checked at each heartbeat). That is what frees the slot of a client that vanished without a word: its
   * heartbeats stay unacknowledged, so TCP would retransmit them for about 15 minutes before giving up.
   */
  readonly lifetimeMs?: number;
  /** Told once per stream when it has ended: the service logs it (the access line only saw it open). */
  readonly onEnded?: (ended: EndedStream) => void;
}

/** What a new stream is: its question, its client, and the request that opened it. */
export interface StreamRequest {
  readonly questionId: number;
  readonly sink: StreamSink;
  /** The client's Last-Event-ID, if it has one of ours. */
  readonly lastEventId: string | undefined;
  /** The client's address, as the per-address limit counts it. */
  readonly address: string;
  readonly requestId: string;
}

/** One line's worth about a stream that has ended. */
export interface EndedStream {
  readonly requestId: string;
  readonly questionId: number;
  readonly durationMs: number;
  readonly eventsWritten: number;
  readonly endedBy: StreamEnd;
}

/** A stream with what the service keeps of its request: no headers, only what it logs and counts. */
interface Watcher {
  readonly stream: EventStream;
  readonly questionId: number;
  readonly address: string;
  readonly requestId: string;
  readonly openedAt: number;
  readonly endsAt: number;
}

/** A watched question as read now: its counts (none once it is not published) and its closing. */
export interface WatchedQuestion {
  readonly choices: readonly Choice[];
  readonly closesAt: Date | null;
  /** By the database's clock: then its streams are sent the last counts and end. */
  readonly closed: boolean;
}

// setTimeout's longest delay (a signed 32-bit millisecond count); a later closing is waited for in steps.
const longestTimerMs = 2 ** 31 - 1;
// How soon a closing is looked at again when this process's clock ran ahead of the database's.
const closingRecheckMs = 100;

/** How long clients wait before reconnecting, as the stream's first line tells them. */
export const reconnectMs = 2_000;

/**
 * The live results of this process: which streams watch which question, and the fan-out to them. Votes of
 * any replica arrive as notifications naming their questions (`votesCountedChannel`); a watched question's
 * counts are then read once, at the next tick, and the same bytes are written to all of its streams. So
 * database work grows with the questions voted on, never with the viewers.
 */
export class LiveCounts {
  private readonly watchers = new Map<number, Set<Watcher>>();
  private readonly openByAddress = new Map<string, number>();
  private readonly pending = new Set<number>();
  // Per watched question that closes, the timer that reads it again at its closing time.
  private readonly closings = new Map<number, NodeJS.Timeout>();
  private readonly tickMs: number;
  private readonly pollMs: number;
  private readonly heartbeatMs: number;
  private readonly maxBufferedBytes: number;
  private readonly lifetimeMs: number;
  private open = 0;
  private draining = false;
  private lastTick = 0;
  private reading = false;
  private tickTimer: NodeJS.Timeout | undefined;
  private background: NodeJS.Timeout[] = [];

  constructor(
    /** A published question's counts now (none when it is not published any more) and its closing. */
    private readonly readCounts: (questionId: number) => Promise<WatchedQuestion>,
    private readonly listener: ChannelListener,
    private readonly metrics: StreamMetrics,
    private readonly options: LiveCountsOptions,
  ) {
    this.tickMs = options.tickMs ?? 200;
    this.pollMs = options.pollMs ?? 1_000;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 64 * 1024;
    this.lifetimeMs = options.lifetimeMs ?? 90_000;
    // Without a payload the listener went up or down: whatever was announced meanwhile may be lost.
    listener.subscribe((payload) => this.changed(payload === undefined ? undefined : questionIdsOf(payload)));
  }

  /** Why a new stream from `address` is refused now, if it is (and counted as refused). */
  refusal(address: string): Refusal | undefined {
    const reason = this.draining
      ? 'draining'
      : this.open >= this.options.maxStreams
        ? 'full'
        : (this.openByAddress.get(address) ?? 0) >= this.options.maxStreamsPerAddress
          ? 'address'
          : undefined;
    if (reason) this.metrics.refused(reason);
    return reason;
  }

  /**
   * Streams the question's counts to `sink` until either side ends it: at once (unless `lastEventId` is
   * the latest), then on every change. The caller has checked `refusal()` and that the question is published.
   */
  watch({ questionId, sink, lastEventId, address, requestId }: StreamRequest): void {
    // A client that left while its question was looked up: its 'close' is past, so it would never be forgotten.
    if (sink.closed) return;
    const stream = new EventStream(sink, lastEventId, this.maxBufferedBytes, () => this.metrics.dropped());
    const openedAt = Date.now();
    const endsAt = openedAt + this.lifetimeMs * (2 / 3 + Math.random() / 3);
    const watcher: Watcher = { stream, questionId, address, requestId, openedAt, endsAt };
    let watching = this.watchers.get(questionId);
    if (!watching) this.watchers.set(questionId, (watching = new Set()));
    watching.add(watcher);
    this.openByAddress.set(address, (this.openByAddress.get(address) ?? 0) + 1);
    this.open += 1;
    this.metrics.opened();
    if (this.open === 1) this.startBackground();
    sink.once('close', () => this.unwatch(watcher));
    stream.write(`retry: ${reconnectMs}\n\n`); // also sends the headers
    this.changed([questionId]);
  }

  /** A question may have changed or stopped being published: every watched one is read again. */
  questionsChanged(): void {
    this.changed(undefined);
  }

  /** Shutting down: every stream is ended with a hint to come back in a few seconds (elsewhere), new ones refused. */
  closeAll(): void {
    this.draining = true;
    for (const watching of this.watchers.values()) {
      // Spread out, so the clients of a replica do not all land on the next one at the same instant.
      for (const { stream } of watching)
        stream.close('shutdown', reconnectMs + Math.round(Math.random() * 3_000));
    }
  }

  private unwatch(watcher: Watcher): void {
    const { questionId, address, stream } = watcher;
    const watching = this.watchers.get(questionId);
    if (!watching?.delete(watcher)) return;
    if (watching.size === 0) {
      this.watchers.delete(questionId);
      clearTimeout(this.closings.get(questionId));
      this.closings.delete(questionId);
    }
    const byAddress = (this.openByAddress.get(address) ?? 1) - 1;
    if (byAddress === 0) this.openByAddress.delete(address);
    else this.openByAddress.set(address, byAddress);
    this.open -= 1;
    this.metrics.closed();
    if (this.open === 0) this.stopBackground();
    this.options.onEnded?.({
      requestId: watcher.requestId,
      questionId,
      durationMs: Date.now() - watcher.openedAt,
      eventsWritten: stream.eventsWritten,
      endedBy: stream.endedBy ?? 'client-left',
    });
  }

  /** Marks questions to be read at the next tick; `undefined` means every watched question. */
  private changed(questionIds: readonly number[] | undefined): void {
    for (const id of questionIds ?? this.watchers.keys()) {
      if (this.watchers.has(id)) this.pending.add(id);
    }
    this.scheduleTick();
  }

  private scheduleTick(): void {
    if (this.tickTimer || this.reading || this.pending.size === 0) return;
    const wait = Math.max(0, this.lastTick + this.tickMs - Date.now());
    this.tickTimer = setTimeout(() => void this.tick(), wait);
  }

  private async tick(): Promise<void> {
    this.tickTimer = undefined;
    this.reading = true;
    this.lastTick = Date.now();
    const questionIds = [...this.pending];
    this.pending.clear();
    await Promise.all(questionIds.map((id) => this.publish(id)));
    this.reading = false;
    this.scheduleTick();
  }

  private async publish(questionId: number): Promise<void> {
    // Only the streams that watched before the read began get its result. One that joins meanwhile may be a
    // client back from another replica, holding counts newer than this read: sent these, its counts would go
    // backwards. Its join marked the question for the next tick, whose read begins after it.
    const readers = [...(this.watchers.get(questionId) ?? [])];
    let question: WatchedQuestion;
    try {
      this.metrics.countsRead();
      question = await this.readCounts(questionId);
    } catch {
      // The database is away: try again at a later tick; the streams keep the last counts they were sent.
      this.pending.add(questionId);
      return;
    }
    const watching = this.watchers.get(questionId);
    const streams = readers.filter((watcher) => watching?.has(watcher)).map(({ stream }) => stream);
    if (streams.length === 0) return;
    if (question.choices.length === 0) {
      // No longer published: its clients reconnect, and are answered 404.
      for (const stream of streams) stream.close('unpublished');
      return;
    }
    const event = countsEvent(questionId, question.choices);
    let sent = 0;
    for (const stream of streams) if (stream.send(event)) sent += 1;
    this.metrics.sent(sent);
    if (question.closed) {
      const last = closedEvent(questionId, question.closesAt);
      for (const stream of streams) {
        stream.write(last);
        stream.close('closed');
      }
    } else if (question.closesAt) this.readAtClosing(questionId, question.closesAt);
  }

  /**
   * No scheduler tells a replica that a question closed: each one watching it reads it again at its closing
   * time, and whenever its own clock ran ahead of the database's, shortly after, until the read says closed.
   */
  private readAtClosing(questionId: number, closesAt: Date): void {
    if (this.closings.has(questionId)) return;
    const waitMs = Math.min(longestTimerMs, Math.max(closingRecheckMs, closesAt.getTime() - Date.now()));
    const timer = setTimeout(() => {
      this.closings.delete(questionId);
      this.changed([questionId]);
    }, waitMs);
    timer.unref();
    this.closings.set(questionId, timer);
  }

  private startBackground(): void {
    this.background = [
      setInterval(() => this.heartbeat(), this.heartbeatMs),
      setInterval(() => {
        if (!this.listener.listening) this.changed(undefined);
      }, this.pollMs),
    ];
    for (const timer of this.background) timer.unref();
  }

  /** A comment to every stream, but those past their lifetime are ended instead (their clients reconnect). */
  private heartbeat(): void {
    const now = Date.now();
    for (const watching of this.watchers.values()) {
      for (const { stream, endsAt } of watching) {
        if (now >= endsAt) stream.close('lifetime');
        else stream.write(':\n\n');
      }
    }
  }

  private stopBackground(): void {
    for (const timer of this.background) clearInterval(timer);
    this.background = [];
  }
}
