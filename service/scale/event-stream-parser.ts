/** One dispatched Server-Sent Event, as an EventSource hands it to its listeners. */
export interface ServerSentEvent {
  /** The `event:` field, `message` when there was none. */
  readonly type: string;
  readonly data: string;
  /** The last `id:` received up to this event, on this connection or an earlier one. */
  readonly lastEventId: string;
}

/**
 * The `text/event-stream` format read as the HTML standard's EventSource reads it ("Interpreting an event
 * stream"): lines end with CRLF, LF or CR, possibly split across chunks; `field: value` with one optional
 * space; `data` lines joined with LF; an event is dispatched at a blank line and only when it has data; `id`
 * outlives its event (a NUL makes it ignored); `retry` only when all digits; `:` lines are comments. One
 * parser per connection; `lastEventId` carries over to the next as a browser sends it in `Last-Event-ID`.
 */
export class EventStreamParser {
  /** Comment lines received: the service's heartbeats. */
  comments = 0;
  /** The reconnection delay the server asked for, if it did. */
  retryMs: number | undefined;
  private lastEventIdBuffer: string;
  private pending = '';
  private atStart = true;
  private skipLineFeed = false;
  private data = '';
  private type = '';

  constructor(private lastId = '') {
    this.lastEventIdBuffer = lastId;
  }

  get lastEventId(): string {
    return this.lastId;
  }

  /** Reads a chunk of the body; returns the events it completed. */
  push(chunk: string): ServerSentEvent[] {
    let text = this.pending + chunk;
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    const events: ServerSentEvent[] = [];
    let lineStart = 0;
    for (let index = 0; index < text.length; index++) {
      const character = text[index];
      if (character === '\n' && this.skipLineFeed && index === lineStart) {
        // The LF of a CRLF whose CR ended the previous chunk.
        this.skipLineFeed = false;
        lineStart = index + 1;
        continue;
      }
      this.skipLineFeed = false;
      if (character !== '\r' && character !== '\n') continue;
      const event = this.line(text.slice(lineStart, index));
      if (event) events.push(event);
      if (character === '\r') {
        if (index + 1 === text.length) this.skipLineFeed = true;
        else if (text[index + 1] === '\n') index += 1;
      }
      lineStart = index + 1;
    }
    this.pending = text.slice(lineStart);
    return events;
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.comments += 1;
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data += `${value}\n`;
    else if (field === 'id' && !value.includes('\0')) this.lastEventIdBuffer = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    this.lastId = this.lastEventIdBuffer;
    const { data, type } = this;
    this.data = '';
    this.type = '';
    if (data === '') return undefined;
    return { type: type || 'message', data: data.slice(0, -1), lastEventId: this.lastId };
  }
}
