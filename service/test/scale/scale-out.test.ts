import assert from 'node:assert/strict';
import { victimIndex } from '../../scale/faults.js';
import { findNginx, nginxMissing } from '../../scale/nginx.js';
import { formatReport } from '../../scale/report.js';
import { runScaleTest, type ScaleResult } from '../../scale/scenario.js';

/**
 * The short version of `npm run scale-test`: the same harness (nginx, three replicas, a private
 * PostgreSQL, a SIGKILLed replica and a PostgreSQL restart under load, live-results streams watching), with
 * fewer votes paced over ~15 s so both faults fall inside the load and votes keep coming after each.
 */
const short = { votes: 3_000, concurrency: 64, rate: 200, deadlineMs: 60_000 };

describe('scale-out: nginx in front of 3 replicas on one PostgreSQL, a replica killed and PostgreSQL restarted under load', function () {
  this.timeout(150_000);
  let result: ScaleResult;

  before(async () => {
    // Not a skip: without nginx the proof cannot run, and CI must say so.
    if (!findNginx()) throw new Error(nginxMissing);
    result = await runScaleTest(short);
    console.log(formatReport(result).replace(/^/gm, '      '));
  });

  it('sent every vote and acknowledged most of them, through both the JSON API and the form', () => {
    const { reconciliation } = result;
    // One more for each repeat voter's second vote.
    assert.equal(reconciliation.sent, short.votes + result.repeatVoters.voters);
    assert.ok(
      reconciliation.acknowledgedByKind.api > short.votes / 4,
      'too few API votes acknowledged (201)',
    );
    assert.ok(
      reconciliation.acknowledgedByKind.form > short.votes / 4,
      'too few form votes acknowledged (303)',
    );
  });

  it('has every acknowledged vote in the database and no vote that was not sent', () => {
    const { reconciliation } = result;
    assert.equal(reconciliation.lost, 0);
    assert.equal(reconciliation.phantom, 0);
    assert.ok(reconciliation.inDatabase >= reconciliation.acknowledged);
    assert.ok(reconciliation.inDatabase <= reconciliation.acknowledged + reconciliation.ambiguous);
  });

  it('counted each browser that voted again through another replica once, during the faults too', () => {
    const { repeatVoters } = result;
    assert.ok(repeatVoters.voters >= short.votes / 20, 'too few repeat voters');
    assert.ok(repeatVoters.repeatsRefused > 0, 'no repeat vote was refused');
    assert.ok(repeatVoters.duringFaults > 0, 'no repeat voter voted while a fault was going on');
    assert.deepEqual(repeatVoters.problems, []);
    assert.ok(repeatVoters.withOneBallot >= repeatVoters.firstAcknowledged + repeatVoters.repeatsCounted);
    assert.equal(repeatVoters.ballotsInDatabase, repeatVoters.votesInDatabase);
  });

  it('answered 5xx (or nothing) only inside the fault windows, and never refused a valid vote', () => {
    const { reconciliation } = result;
    assert.equal(reconciliation.failuresOutsideWindows, 0);
    assert.equal(reconciliation.refused, 0);
    assert.equal(reconciliation.unexpected, 0);
  });

  it('really SIGKILLed a replica, started a new process on its port, and that process counted votes', () => {
    const window = result.faults.windows[0];
    assert.ok(window, `the replica was never killed: ${result.faults.skipped.join(', ')}`);
    assert.match(window.name, /^SIGKILL /);
    assert.ok(window.proven, window.facts.join('; '));
    assert.match(window.facts[0]!, /ended by SIGKILL/);
    assert.ok(result.replicas[victimIndex]!.votesCounted > 0, 'the restarted replica counted no vote');
  });

  it('served every read during the replica kill (nginx passed them on) and outside the fault windows', () => {
    const { reads } = result;
    assert.ok(reads.ok > 0, 'no results page was read');
    assert.equal(reads.failuresPerWindow[0], 0);
    assert.equal(reads.failuresOutsideWindows, 0);
  });

  it('kept every live-results stream moving forward: cut by the kill, reconnected, showing the final counts', () => {
    const { streams } = result;
    assert.ok(streams.events > streams.opened, 'the streams were sent counts as votes came');
    assert.ok(streams.ended > 0, 'the replica kill ended the streams it held');
    assert.ok(streams.reconnects >= streams.ended, 'every stream that ended was opened again');
    assert.deepEqual(streams.backwards, []);
    assert.deepEqual(streams.mismatches, []);
    assert.equal(streams.matching, streams.opened);
  });

  it('really restarted PostgreSQL (a new postmaster) while votes were coming in', () => {
    const window = result.faults.windows[1];
    assert.ok(window, `PostgreSQL was never restarted: ${result.faults.skipped.join(', ')}`);
    assert.equal(window.name, 'PostgreSQL restart');
    assert.ok(window.proven, window.facts.join('; '));
  });

  it('acknowledged votes again after each fault', () => {
    assert.equal(result.reconciliation.acknowledgedAfter.length, 2);
    for (const [index, count] of result.reconciliation.acknowledgedAfter.entries()) {
      assert.ok(count > 0, `no vote acknowledged after ${result.faults.windows[index]!.name}`);
    }
  });

  it('found no problem at all', () => {
    assert.deepEqual(result.problems, []);
  });
});
