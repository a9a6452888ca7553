import type { CountsEvent } from './counts-event.js';

/** What a stream needs of its response (a ServerResponse; tests use any Writable). */
export interface StreamSink {
  /** Bytes written but not yet taken by the client (and the socket's buffer). */
  readonly writableLength: number;
  readonly destroyed: boolean;
  /** True once the connection is gone, perhaps before the stream was even opened. */
  readonly closed: boolean;
  write(chunk: Buffer | string): boolean;
  end(): void;
  destroy(): void;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Why a stream ended, for its closing log line: its client left (or its connection was lost), it read too
 * slowly, it reached its lifetime, the process is shutting down, its question stopped being published, or
 * its poll closed.
 */
export type StreamEnd = 'client-left' | 'slow-client' | 'lifetime' | 'shutdown' | 'unpublished' | 'closed';

/**
 * One client's Server-Sent Events connection. Writes go straight to the response, whose `writableLength`
 * is what the client has not taken yet: past `maxBufferedBytes` the client is dropped instead of being
 * buffered for without bound (it reconnects, and is sent the counts of that moment).
 */
export class EventStream {
  private lastEventId: string | undefined;
  /** Counts events written to this client. */
  eventsWritten = 0;
  /** Set when this side ends the stream; a stream that closes without it was ended by its client. */
  endedBy: StreamEnd | undefined;

  constructor(
    private readonly sink: StreamSink,
    lastEventId: string | undefined,
    private readonly maxBufferedBytes: number,
    private readonly onDropped: () => void,
  ) {
    this.lastEventId = lastEventId;
  }

  /** Writes the event unless this client has it already; true when written. */
  send(event: CountsEvent): boolean {
    if (event.id === this.lastEventId) return false;
    this.lastEventId = event.id;
    const written = this.write(event.bytes);
    if (written) this.eventsWritten += 1;
    return written;
  }

  /** Writes raw Server-Sent Events text (a comment, a retry hint); false when the client was dropped. */
  write(bytes: Buffer | string): boolean {
    if (this.sink.destroyed) return false;
    if (this.sink.writableLength > this.maxBufferedBytes) {
      this.endedBy ??= 'slow-client';
      this.sink.destroy();
      this.onDropped();
      return false;
    }
    this.sink.write(bytes);
    return true;
  }

  /** Ends the stream; `retryMs` tells the client how long to wait before it reconnects. */
  close(reason: StreamEnd, retryMs?: number): void {
    this.endedBy ??= reason;
    if (retryMs !== undefined) this.write(`retry: ${retryMs}\n\n`);
    if (this.sink.destroyed) return;
    this.sink.end();
    // A socket write that the kernel takes at once leaves nothing behind. Something left means the client is
    // not taking what it is sent (or is gone): the end would wait behind it, holding the connection.
    if (this.sink.writableLength > 0) this.sink.destroy();
  }
}
