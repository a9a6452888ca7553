import type { ChannelListener } from '../db/listener.js';
import type { Ballot, Question } from './polls-repository.js';

export interface BallotSource {
  findPublished(id: number): Promise<Question | undefined>;
}

// Far more questions than voters read at once; ids come from clients, so a bound all the same.
const maxKept = 1_000;

/**
 * Published questions' ballots (text and choices, never votes), kept in memory while nothing can have changed
 * them. Time cannot: a published question stays published as the clock moves on. Writes can, and each is
 * announced, this process's own at once through `invalidate` and every replica's through `listener`.
 * Questions that are not published are never kept. Whenever the listener cannot vouch for missing nothing,
 * every call reads the database.
 */
export class BallotCache {
  // Bumped by every invalidation, so a load that started before one is never kept.
  private generation = 0;
  private readonly kept = new Map<number, Ballot>();
  private readonly loading = new Map<number, Promise<Ballot | undefined>>();

  constructor(
    private readonly source: BallotSource,
    private readonly listener: ChannelListener,
  ) {
    listener.subscribe(() => this.invalidate());
  }

  /** The published question's ballot, or undefined when it is not published. */
  async get(id: number): Promise<Ballot | undefined> {
    if (!this.listener.listening) return ballotOf(await this.source.findPublished(id));
    const kept = this.kept.get(id);
    if (kept) return kept;
    // Concurrent requests for one question share one load instead of each querying.
    let loading = this.loading.get(id);
    if (!loading) {
      const load = this.load(id);
      const forget = () => {
        if (this.loading.get(id) === load) this.loading.delete(id);
      };
      load.then(forget, forget);
      this.loading.set(id, (loading = load));
    }
    return loading;
  }

  /** Forgets every ballot: the next call for each reads it again. */
  invalidate(): void {
    this.generation += 1;
    this.kept.clear();
    this.loading.clear();
  }

  private async load(id: number): Promise<Ballot | undefined> {
    const generation = this.generation;
    const ballot = ballotOf(await this.source.findPublished(id));
    if (ballot && generation === this.generation) {
      if (this.kept.size >= maxKept) this.kept.delete(this.kept.keys().next().value!);
      this.kept.set(id, ballot);
    }
    return ballot;
  }
}

function ballotOf(question: Question | undefined): Ballot | undefined {
  if (!question) return undefined;
  const { choices, ...summary } = question;
  return { ...summary, choices: choices.map(({ id, choiceText }) => ({ id, choiceText })) };
}
