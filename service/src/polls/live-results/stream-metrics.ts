import { Counter, Gauge, type Registry } from 'prom-client';

/** Why a new stream is refused: shutting down, MAX_STREAMS reached, or its address's share reached. */
export type Refusal = 'draining' | 'full' | 'address';

/** What /metrics tells of the live-results streams of this process. */
export interface StreamMetrics {
  opened(): void;
  closed(): void;
  refused(reason: Refusal): void;
  sent(events: number): void;
  dropped(): void;
  countsRead(): void;
}

export function streamMetrics(registry: Registry): StreamMetrics {
  const registers = [registry];
  const open = new Gauge({
    name: 'polls_live_streams_open',
    help: 'Live-results streams (Server-Sent Events) open now.',
    registers,
  });
  const refused = new Counter({
    name: 'polls_live_streams_refused_total',
    help: 'Streams refused: 503 at MAX_STREAMS (full) or shutting down (draining), 429 at MAX_STREAMS_PER_ADDRESS (address).',
    labelNames: ['reason'],
    registers,
  });
  const sent = new Counter({
    name: 'polls_live_events_sent_total',
    help: 'Counts events written to streams (one per stream per change).',
    registers,
  });
  const dropped = new Counter({
    name: 'polls_live_slow_consumers_dropped_total',
    help: 'Streams closed because the client read too slowly and its buffer filled.',
    registers,
  });
  const reads = new Counter({
    name: 'polls_live_counts_reads_total',
    help: "Reads of a watched question's counts (coalesced: a few per question per second at most).",
    registers,
  });
  return {
    opened: () => open.inc(),
    closed: () => open.dec(),
    refused: (reason) => refused.inc({ reason }),
    sent: (events) => sent.inc(events),
    dropped: () => dropped.inc(),
    countsRead: () => reads.inc(),
  };
}
