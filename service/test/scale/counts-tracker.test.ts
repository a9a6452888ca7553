import assert from 'node:assert/strict';
import { CountsTracker } from '../../scale/counts-tracker.js';

const counts = (questionId: number, ...votes: number[]) => ({
  questionId,
  totalVotes: votes.reduce((sum, count) => sum + count, 0),
  choices: votes.map((count, index) => ({ id: questionId * 10 + index, votes: count, percent: 0 })),
});

describe('scale test: the counts a stream showed', () => {
  it('finds nothing backwards while every count stays or grows', () => {
    const tracker = new CountsTracker();
    tracker.see(counts(1, 0, 0), 10);
    tracker.see(counts(1, 3, 0), 20);
    tracker.see(counts(1, 3, 2), 30);
    assert.deepEqual(tracker.backwards, []);
    assert.equal(tracker.events, 3);
  });

  it('reports each choice whose count went down, against the last one shown, with when', () => {
    const tracker = new CountsTracker();
    tracker.see(counts(1, 5, 7), 10);
    tracker.see(counts(1, 6, 4), 20); // choice 11 went back
    tracker.see(counts(1, 6, 5), 30); // up again from 4: not backwards, though below 7
    assert.deepEqual(tracker.backwards, [{ questionId: 1, choiceId: 11, from: 7, to: 4, atMs: 20 }]);
  });

  it('compares a question only with itself', () => {
    const tracker = new CountsTracker();
    tracker.see(counts(1, 9), 10);
    tracker.see(counts(2, 1), 20);
    assert.deepEqual(tracker.backwards, []);
  });

  it("lists the choices whose last count is not the database's, and choices never shown", () => {
    const tracker = new CountsTracker();
    tracker.see(counts(1, 4, 2), 10);
    const expected = new Map([
      [10, 4],
      [11, 3],
      [12, 1],
    ]);
    assert.deepEqual(tracker.differences(1, expected), [
      { choiceId: 11, shown: 2, expected: 3 },
      { choiceId: 12, shown: undefined, expected: 1 },
    ]);
    tracker.see(counts(1, 4, 3, 1), 20);
    assert.deepEqual(tracker.differences(1, expected), []);
  });
});
