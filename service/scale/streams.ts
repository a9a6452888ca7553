import type { CountsData } from '../test/support/event-stream.js';
import { CountsTracker, type Backwards, type Difference } from './counts-tracker.js';
import { ReconnectingEventSource } from './event-source.js';
import type { VoteTarget } from './load.js';

export interface StreamPlan {
  readonly baseUrl: string;
  /** Every choice of every question voted on: the streams watch those questions. */
  readonly targets: readonly VoteTarget[];
  readonly count: number;
  readonly clock: () => number;
  /** However the run goes, every stream is closed this long after it was opened. */
  readonly closeAfterMs: number;
}

export interface StreamSummary {
  readonly opened: number;
  /** Counts events received. */
  readonly events: number;
  readonly heartbeats: number;
  /** Streams that ended or broke under their viewer (the replica behind them killed, or a stream's 60-90 s lifetime). */
  readonly ended: number;
  /** Requests after each stream's first: after it ended or broke, or after a refusal. */
  readonly reconnects: number;
  /** Answers other than a 200 event stream, by status: "503", "no answer (ECONNREFUSED)". */
  readonly refusedByStatus: ReadonlyMap<string, number>;
  readonly backwards: readonly Backwards[];
  /** Streams whose last counts were the database's. */
  readonly matching: number;
  /** Every other stream, one line each. */
  readonly mismatches: readonly string[];
  /** From the call to `settle` until the last stream showed the database's counts, or the bound. */
  readonly settleMs: number;
}

interface Viewer {
  readonly path: string;
  readonly questionId: number;
  readonly source: ReconnectingEventSource;
  readonly tracker: CountsTracker;
}

/**
 * Viewers of the live results, through the balancer while the votes come: `count` streams spread over the
 * questions and both paths, each kept open as a browser keeps an EventSource and recording every count it
 * is shown. They open at once and stay open until `settle` (at most `closeAfterMs`).
 */
export class LiveViewers {
  private readonly viewers: Viewer[];
  private readonly safety: NodeJS.Timeout;

  constructor(private readonly plan: StreamPlan) {
    const questionIds = [...new Set(plan.targets.map((target) => target.questionId))];
    this.viewers = Array.from({ length: plan.count }, (_, index) => {
      const questionId = questionIds[index % questionIds.length]!;
      const path =
        Math.floor(index / questionIds.length) % 2 === 0
          ? `/polls/${questionId}/results/events`
          : `/api/questions/${questionId}/events`;
      const tracker = new CountsTracker();
      const source = new ReconnectingEventSource(`${plan.baseUrl}${path}`, (event) => {
        if (event.type === 'counts') tracker.see(JSON.parse(event.data) as CountsData, plan.clock());
      });
      source.open();
      return { path, questionId, source, tracker };
    });
    this.safety = setTimeout(() => this.close(), plan.closeAfterMs);
  }

  /**
   * Waits until every stream shows the database's final `counts` (choice id → votes) or `withinMs` has
   * passed, then closes them all and sums up what they saw.
   */
  async settle(counts: ReadonlyMap<number, number>, withinMs: number): Promise<StreamSummary> {
    const began = performance.now();
    while (this.differing(counts).length > 0 && performance.now() - began < withinMs) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const settleMs = performance.now() - began;
    this.close();
    return this.summary(this.differing(counts), settleMs);
  }

  close(): void {
    clearTimeout(this.safety);
    for (const viewer of this.viewers) viewer.source.close();
  }

  private differing(counts: ReadonlyMap<number, number>) {
    return this.viewers
      .map((viewer) => {
        const expected = this.plan.targets
          .filter((target) => target.questionId === viewer.questionId)
          .map((target): [number, number] => [target.choiceId, counts.get(target.choiceId) ?? 0]);
        return { viewer, differences: viewer.tracker.differences(viewer.questionId, new Map(expected)) };
      })
      .filter(({ differences }) => differences.length > 0);
  }

  private summary(
    differing: readonly { viewer: Viewer; differences: Difference[] }[],
    settleMs: number,
  ): StreamSummary {
    const sum = (pick: (viewer: Viewer) => number) =>
      this.viewers.reduce((total, viewer) => total + pick(viewer), 0);
    const refusedByStatus = new Map<string, number>();
    for (const [status, times] of this.viewers.flatMap((viewer) => [...viewer.source.figures.refused])) {
      refusedByStatus.set(status, (refusedByStatus.get(status) ?? 0) + times);
    }
    return {
      opened: this.viewers.length,
      events: sum((viewer) => viewer.tracker.events),
      heartbeats: sum((viewer) => viewer.source.figures.heartbeats),
      ended: sum((viewer) => viewer.source.figures.ended),
      reconnects: sum((viewer) => viewer.source.figures.attempts - 1),
      refusedByStatus,
      backwards: this.viewers.flatMap((viewer) => viewer.tracker.backwards),
      matching: this.viewers.length - differing.length,
      mismatches: differing.map(
        ({ viewer, differences }) =>
          `${viewer.path}: ` +
          differences
            .map(
              ({ choiceId, shown, expected }) =>
                `choice ${choiceId} shows ${shown ?? 'nothing'}, not ${expected}`,
            )
            .join(', '),
      ),
      settleMs,
    };
  }
}
