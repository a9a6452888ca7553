import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import { EventStreamParser, type ServerSentEvent } from './event-stream-parser.js';

/** A browser's reconnection delay until the server sets one (Chromium's; the service's first line does). */
const defaultRetryMs = 3_000;
/** After a refusal the results page opens a new EventSource 3 to 7 s later (service/static/results.js). */
const pauseAfterRefusalMs = () => 3_000 + Math.random() * 4_000;

/** What one stream went through. */
export interface EventSourceFigures {
  /** Requests sent: the first and every reconnection. */
  attempts: number;
  /** Answers that opened a stream (200, text/event-stream). */
  connections: number;
  /** Streams that ended or broke while the viewer still watched. */
  ended: number;
  /** Any other answer, or none: "503", "no answer (ECONNREFUSED)". */
  readonly refused: Map<string, number>;
  heartbeats: number;
}

/**
 * One viewer's stream, kept open as a browser keeps an EventSource: when it ends or breaks, it is opened
 * again after the last `retry:` the server sent, with `Last-Event-ID`. An answer other than a 200 event
 * stream ends an EventSource for good; the results page's script then starts a new one after a pause, which
 * knows no event id, and so does this. Open until `close()`.
 */
export class ReconnectingEventSource {
  readonly figures: EventSourceFigures = {
    attempts: 0,
    connections: 0,
    ended: 0,
    refused: new Map(),
    heartbeats: 0,
  };
  private lastEventId = '';
  private retryMs = defaultRetryMs;
  private request: ClientRequest | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly onEvent: (event: ServerSentEvent) => void,
  ) {}

  open(): void {
    if (this.closed) return;
    this.figures.attempts += 1;
    const headers: Record<string, string> = { Accept: 'text/event-stream', 'Cache-Control': 'no-cache' };
    if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
    // A connection of its own, as a browser gives each stream: no pool to wait in or share.
    const request = get(this.url, { headers, agent: false });
    this.request = request;
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      this.read(request, response);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      // After an answer, its 'close' tells of the end.
      if (answered || !this.finished(request)) return;
      this.refused(`no answer (${error.code ?? error.message})`);
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.request?.destroy();
    this.request = undefined;
  }

  private read(request: ClientRequest, response: IncomingMessage): void {
    if (response.statusCode !== 200 || !response.headers['content-type']?.startsWith('text/event-stream')) {
      response.resume();
      if (this.finished(request)) this.refused(String(response.statusCode));
      return;
    }
    this.figures.connections += 1;
    const parser = new EventStreamParser(this.lastEventId);
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      const comments = parser.comments;
      for (const event of parser.push(chunk)) this.onEvent(event);
      this.figures.heartbeats += parser.comments - comments;
      this.lastEventId = parser.lastEventId;
      this.retryMs = parser.retryMs ?? this.retryMs;
    });
    // After the end of the body and after a broken connection alike.
    response.on('close', () => {
      if (!this.finished(request)) return;
      this.figures.ended += 1;
      this.reopenAfter(this.retryMs);
    });
  }

  private refused(label: string): void {
    this.figures.refused.set(label, (this.figures.refused.get(label) ?? 0) + 1);
    this.lastEventId = '';
    this.retryMs = defaultRetryMs;
    this.reopenAfter(pauseAfterRefusalMs());
  }

  /** Lets go of `request`; false when it was already let go of (or the viewer closed), so each ends once. */
  private finished(request: ClientRequest): boolean {
    if (this.closed || request !== this.request) return false;
    this.request = undefined;
    return true;
  }

  private reopenAfter(ms: number): void {
    this.timer = setTimeout(() => this.open(), ms);
  }
}
