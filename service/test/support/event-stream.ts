import { once } from 'node:events';
import { get, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { waitFor } from './wait.js';

/** One Server-Sent Event as a client sees it; `comment` holds a comment line's text (heartbeats). */
export interface ReceivedEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly retry?: number;
  readonly comment?: string;
}

export interface CountsData {
  readonly questionId: number;
  readonly totalVotes: number;
  readonly choices: readonly { id: number; votes: number; percent: number }[];
}

/** A client of an event stream: everything received so far, parsed, and whether the server ended it. */
export interface StreamClient {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The raw text received so far. */
  readonly text: string;
  readonly events: readonly ReceivedEvent[];
  readonly ended: boolean;
  /** The data of the `counts` events so far. */
  counts(): CountsData[];
  /** Waits until a `counts` event satisfies `condition`, failing with `what` after waitFor's bound. */
  waitForCounts(condition: (counts: CountsData) => boolean, what: string): Promise<CountsData>;
  close(): void;
}

/** Opens `url` and parses what arrives (the parts of the format the service sends). */
export async function openStream(url: string, headers: Record<string, string> = {}): Promise<StreamClient> {
  const request = get(url, { headers, agent: false });
  const [response] = (await once(request, 'response')) as [IncomingMessage];
  const state = { text: '', ended: false, events: [] as ReceivedEvent[] };
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    state.text += chunk;
    const blocks = state.text.split('\n\n');
    state.events = blocks.slice(0, -1).map(parseBlock);
  });
  response.on('end', () => (state.ended = true));
  response.on('error', () => (state.ended = true));
  const counts = () =>
    state.events
      .filter((event) => event.event === 'counts')
      .map((event) => JSON.parse(event.data!) as CountsData);
  return {
    status: response.statusCode!,
    headers: response.headers,
    get text() {
      return state.text;
    },
    get events() {
      return state.events;
    },
    get ended() {
      return state.ended;
    },
    counts,
    async waitForCounts(condition, what) {
      await waitFor(() => counts().some(condition), what);
      return counts().find(condition)!;
    },
    close: () => request.destroy(),
  };
}

function parseBlock(block: string): ReceivedEvent {
  const event: Record<string, string | number> = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) event.comment = line.slice(1);
    const match = /^(id|event|data|retry): (.*)$/.exec(line);
    if (match) event[match[1]!] = match[1] === 'retry' ? Number(match[2]) : match[2]!;
  }
  return event as ReceivedEvent;
}
