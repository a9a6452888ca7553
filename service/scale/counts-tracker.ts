import type { CountsData } from '../test/support/event-stream.js';

/** A choice's count that a stream showed lower than the one it had shown before. */
export interface Backwards {
  readonly questionId: number;
  readonly choiceId: number;
  readonly from: number;
  readonly to: number;
  /** When the lower count arrived, on the run's clock. */
  readonly atMs: number;
}

/** A choice whose last count on a stream is not the database's. */
export interface Difference {
  readonly choiceId: number;
  /** Undefined when the stream never showed that choice. */
  readonly shown: number | undefined;
  readonly expected: number;
}

/**
 * What one viewer's stream showed, event after event and across its reconnections: votes are only ever
 * added, so each choice's count must never be lower than the last one this viewer saw of it.
 */
export class CountsTracker {
  /** question id → choice id → the count last shown. */
  private readonly shown = new Map<number, Map<number, number>>();
  readonly backwards: Backwards[] = [];
  events = 0;

  see(counts: CountsData, atMs: number): void {
    this.events += 1;
    let choices = this.shown.get(counts.questionId);
    if (!choices) this.shown.set(counts.questionId, (choices = new Map()));
    for (const { id, votes } of counts.choices) {
      const before = choices.get(id);
      if (before !== undefined && votes < before) {
        this.backwards.push({ questionId: counts.questionId, choiceId: id, from: before, to: votes, atMs });
      }
      choices.set(id, votes);
    }
  }

  /** The choices of `questionId` whose last shown count differs from `expected` (choice id → votes). */
  differences(questionId: number, expected: ReadonlyMap<number, number>): Difference[] {
    const choices = this.shown.get(questionId);
    return [...expected]
      .map(([choiceId, votes]) => ({ choiceId, shown: choices?.get(choiceId), expected: votes }))
      .filter((choice) => choice.shown !== choice.expected);
  }
}
