import type { FaultWindow } from './faults.js';
import type { Exchange } from './http-client.js';

/** A 5xx or no answer at all: what a fault may cause, and nothing else may. */
export function isFailure(exchange: Exchange): boolean {
  return exchange.status === 0 || exchange.status >= 500;
}

/**
 * Which fault a request belongs to: the index of a window it overlaps, else of one whose `marginMs` after
 * the end it overlaps (so a request at the start of the second fault is not blamed on the first one's
 * margin); -1 when none.
 */
export function windowOf(exchange: Exchange, windows: readonly FaultWindow[], marginMs: number): number {
  const overlapping = (extraMs: number) =>
    windows.findIndex(
      (window) => exchange.startedMs <= window.endMs + extraMs && exchange.endedMs >= window.startMs,
    );
  const inside = overlapping(0);
  return inside === -1 ? overlapping(marginMs) : inside;
}
