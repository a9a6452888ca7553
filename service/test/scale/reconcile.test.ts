import assert from 'node:assert/strict';
import type { FaultWindow } from '../../scale/faults.js';
import type { VoteRecord } from '../../scale/load.js';
import { summariseReads } from '../../scale/reads.js';
import { outcomeOf, percentile, reconcile } from '../../scale/reconcile.js';

const vote = (overrides: Partial<VoteRecord>): VoteRecord => ({
  kind: 'api',
  questionId: 1,
  choiceId: 1,
  status: 201,
  startedMs: 0,
  endedMs: 10,
  ...overrides,
});

const replicaKilled: FaultWindow = {
  name: 'SIGKILL replica 2',
  target: 'replica',
  startMs: 1_000,
  endMs: 2_000,
  facts: [],
  proven: true,
};

describe('scale test: reconciling what clients saw with the database', () => {
  it('acknowledges a vote only by the answer of its kind: 201 for the API, 303 for the form', () => {
    assert.equal(outcomeOf(vote({ kind: 'api', status: 201 })), 'acknowledged');
    assert.equal(outcomeOf(vote({ kind: 'form', status: 303 })), 'acknowledged');
    assert.equal(outcomeOf(vote({ kind: 'api', status: 303 })), 'unexpected');
    assert.equal(outcomeOf(vote({ kind: 'form', status: 201 })), 'unexpected');
    assert.equal(outcomeOf(vote({ kind: 'api', status: 409, role: 'repeat' })), 'repeated');
    assert.equal(outcomeOf(vote({ kind: 'api', status: 409 })), 'refused');
    assert.equal(outcomeOf(vote({ status: 502 })), 'ambiguous');
    assert.equal(outcomeOf(vote({ status: 0, error: 'ECONNRESET' })), 'ambiguous');
    assert.equal(outcomeOf(vote({ status: 403 })), 'refused');
  });

  it('counts an acknowledged vote missing from the database as lost', () => {
    const records = [vote({}), vote({}), vote({ choiceId: 2 })];
    const result = reconcile(
      records,
      new Map([
        [1, 1],
        [2, 1],
      ]),
      [],
      1_000,
    );
    assert.equal(result.lost, 1);
    assert.deepEqual(
      result.choices.map((choice) => [choice.choiceId, choice.lost]),
      [
        [1, 1],
        [2, 0],
      ],
    );
  });

  it('lets an ambiguous vote be counted or not, but no more votes than could have been', () => {
    const records = [vote({}), vote({ status: 503 }), vote({ status: 422 })];
    assert.equal(reconcile(records, new Map([[1, 1]]), [], 0).phantom, 0);
    assert.equal(reconcile(records, new Map([[1, 2]]), [], 0).phantom, 0);
    // The 422 refused vote cannot have counted: a third vote in the database is a phantom.
    const tooMany = reconcile(records, new Map([[1, 3]]), [], 0);
    assert.equal(tooMany.phantom, 1);
    assert.equal(tooMany.lost, 0);
  });

  it('excuses 5xx and missing answers that overlap a fault window or its margin, and no others', () => {
    const records = [
      vote({ status: 502, startedMs: 900, endedMs: 1_050 }), // in flight when the replica died
      vote({ status: 503, startedMs: 2_400, endedMs: 2_410 }), // within the 1 s margin after the window
      vote({ status: 0, error: 'ECONNRESET', startedMs: 3_500, endedMs: 3_600 }), // long after
      vote({ status: 201, startedMs: 3_000, endedMs: 3_010 }),
    ];
    const result = reconcile(records, new Map([[1, 1]]), [replicaKilled], 1_000);
    assert.equal(result.failuresInsideWindows, 2);
    assert.equal(result.failuresInMargins, 1);
    assert.equal(result.failuresOutsideWindows, 1);
    assert.deepEqual(result.acknowledgedAfter, [1]);
    assert.deepEqual(
      [...result.failedByStatus],
      [
        ['502', 1],
        ['503', 1],
        ['no answer (ECONNRESET)', 1],
      ],
    );
  });

  it('attributes a failed read to the fault window it overlaps before any window merely by its margin', () => {
    const restart: FaultWindow = {
      ...replicaKilled,
      name: 'PostgreSQL restart',
      target: 'database',
      startMs: 2_500,
      endMs: 6_000,
    };
    const read = (status: number, startedMs: number) => ({ status, startedMs, endedMs: startedMs + 5 });
    const reads = [
      read(200, 0),
      read(502, 1_500), // the replica is down
      read(503, 2_600), // the database is down, and the replica's margin is not over yet
      read(503, 6_500), // within the database restart's margin
      read(503, 8_000), // no fault
      read(404, 8_000), // not a failure a fault can explain, nor one counted as such
    ];
    const summary = summariseReads(reads, [replicaKilled, restart], 1_000);
    assert.equal(summary.sent, 6);
    assert.equal(summary.ok, 1);
    assert.deepEqual(summary.failuresPerWindow, [1, 2]);
    assert.equal(summary.failuresOutsideWindows, 1);
    assert.deepEqual(
      [...summary.failedByStatus],
      [
        ['502', 1],
        ['503', 3],
        ['404', 1],
      ],
    );
  });

  it('refuses a vote for a choice the database does not have', () => {
    assert.throws(() => reconcile([vote({ choiceId: 9 })], new Map([[1, 0]]), [], 0), /choice 9/);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    assert.equal(percentile(values, 0.5), 50);
    assert.equal(percentile(values, 0.99), 99);
    assert.equal(percentile([7], 0.99), 7);
    assert.equal(percentile([], 0.5), 0);
  });
});
