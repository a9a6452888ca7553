import assert from 'node:assert/strict';
import { WorkQueue, QueueFull } from '../../src/admin/work-queue.js';

/** A task that runs until `finish` is called, recording that it started. */
function heldTask(started: string[], name: string) {
  let finish = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { task: () => (started.push(name), done.then(() => name)), finish: () => finish() };
}

describe('WorkQueue', () => {
  it('runs as many tasks at once as allowed, lets a few wait and refuses the rest at once', async () => {
    const started: string[] = [];
    const queue = new WorkQueue(1, 1);
    const first = heldTask(started, 'first');
    const second = heldTask(started, 'second');
    const running = queue.run(0, first.task);
    const waiting = queue.run(0, second.task);
    await assert.rejects(
      queue.run(0, async () => 'third'),
      QueueFull,
    );
    assert.deepEqual(started, ['first']);
    first.finish();
    second.finish();
    assert.deepEqual(await Promise.all([running, waiting]), ['first', 'second']);
    assert.deepEqual(started, ['first', 'second']);
    assert.equal(await queue.run(0, async () => 'free again'), 'free again');
  });

  it('lets a check of a lower rank take the place of the last waiting one', async () => {
    const started: string[] = [];
    const queue = new WorkQueue(1, 2);
    const running = heldTask(started, 'running');
    const flood = [heldTask(started, 'flood-1'), heldTask(started, 'flood-2')];
    const editor = heldTask(started, 'editor');
    const outcomes = [queue.run(20, running.task), ...flood.map((each) => queue.run(20, each.task))];
    const refused = assert.rejects(outcomes[2]!, QueueFull);
    const editorTurn = queue.run(0, editor.task);
    await refused;
    await assert.rejects(
      queue.run(20, async () => 'another flood'),
      QueueFull,
    );
    running.finish();
    editor.finish();
    flood[0]!.finish();
    assert.equal(await editorTurn, 'editor');
    await outcomes[1];
    assert.deepEqual(started, ['running', 'editor', 'flood-1']);
  });
});
