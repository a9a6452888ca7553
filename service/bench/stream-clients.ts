/**
 * The viewers of `npm run bench:streams`, in a process of their own so that reading thousands of streams does
 * not slow the voters down. Told by its parent (IPC) what to open; answers `opened`, and on `report` the
 * totals its sampled streams saw, with when (ms since the epoch, comparable across processes).
 */
import { connect, type Socket } from 'node:net';

export interface OpenMessage {
  readonly base: string;
  readonly questionIds: readonly number[];
  readonly count: number;
  readonly sampledPerQuestion: number;
  /** About this many bytes of request headers per stream (a browser sends about 1 KB; Node takes 16 KB at most). */
  readonly headerBytes?: number;
}

export interface SampledStream {
  readonly questionId: number;
  readonly totals: { at: number; total: number }[];
}

const sockets: Socket[] = [];
const sampled: SampledStream[] = [];

process.on('message', (message: { open?: OpenMessage; report?: true }) => {
  if (message.open) void openAll(message.open);
  if (message.report) {
    process.send!({ sampled });
    for (const socket of sockets) socket.destroy();
    process.disconnect();
  }
});

async function openAll({
  base,
  questionIds,
  count,
  sampledPerQuestion,
  headerBytes = 0,
}: OpenMessage): Promise<void> {
  const padding = paddingHeader(headerBytes);
  for (let first = 0; first < count; first += 250) {
    const batch = [];
    for (let i = first; i < Math.min(first + 250, count); i++) {
      const questionId = questionIds[i % questionIds.length]!;
      batch.push(openStream(base, questionId, i < questionIds.length * sampledPerQuestion, padding));
    }
    sockets.push(...(await Promise.all(batch)));
  }
  process.send!({ opened: sockets.length });
}

/** One stream on a raw socket, as an EventSource requests it; a sampled one records each total it shows. */
function openStream(base: string, questionId: number, timed: boolean, padding: string): Promise<Socket> {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  const stream: SampledStream | undefined = timed ? { questionId, totals: [] } : undefined;
  if (stream) sampled.push(stream);
  let pending = '';
  socket.on('data', (chunk: Buffer) => {
    if (!stream) return;
    const at = performance.timeOrigin + performance.now();
    pending += chunk.toString();
    const end = pending.lastIndexOf('\n\n'); // events end with a blank line; the rest is still coming
    if (end < 0) return;
    for (const match of pending.slice(0, end).matchAll(/"totalVotes":(\d+),/g)) {
      stream.totals.push({ at, total: Number(match[1]) });
    }
    pending = pending.slice(end + 2);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () =>
      socket.write(
        `GET /api/questions/${questionId}/events HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n${padding}\r\n`,
      ),
    );
    socket.once('data', () => {
      socket.off('error', reject);
      socket.on('error', () => {}); // the service going away at the end of the run
      resolve(socket);
    });
  });
}

/** A Cookie header that brings the request's headers to about `bytes` (as a browser's cookies would). */
function paddingHeader(bytes: number): string {
  const filler = bytes - 80; // the request line, Host and Accept
  return filler > 0 ? `Cookie: pad=${'x'.repeat(filler)}\r\n` : '';
}
