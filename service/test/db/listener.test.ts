import assert from 'node:assert/strict';
import type { ChannelListener } from '../../src/db/listener.js';
import { databaseTargets, describeOnServer, serverTarget, type TestDatabase } from '../support/databases.js';
import { waitFor } from '../support/wait.js';

const channel = 'polls_listener_test';

/** Counts the events a listener reports. */
function counted(listener: ChannelListener): { readonly events: number } {
  const counter = { events: 0 };
  listener.subscribe(() => counter.events++);
  return counter;
}

for (const target of databaseTargets) {
  describe(`channel listener on ${target.name}`, function () {
    this.timeout(30_000);
    let db: TestDatabase;
    let listener: ChannelListener;

    before(async () => {
      db = await target.open();
      listener = db.listen(channel);
      await waitFor(() => listener.listening, 'the listener listens');
    });

    it('is one shared listener per channel', () => {
      assert.equal(db.listen(channel), listener);
    });

    it('has handled a committed notification once sync resolves', async () => {
      const counter = counted(listener);
      await db.knex.raw(`select pg_notify(?, 'x')`, [channel]);
      await listener.sync();
      assert.equal(counter.events, 1);
    });

    it('hears nothing before the commit and nothing of a rolled back transaction', async () => {
      const counter = counted(listener);
      const trx = await db.knex.transaction();
      await trx.raw(`select pg_notify(?, 'x')`, [channel]);
      await listener.sync();
      assert.equal(counter.events, 0, 'heard before the commit');
      await trx.rollback();
      await listener.sync();
      assert.equal(counter.events, 0, 'heard a rolled back notification');
    });

    it('ignores other channels', async () => {
      const counter = counted(listener);
      await db.knex.raw(`select pg_notify('polls_some_other_channel', 'x')`);
      await listener.sync();
      assert.equal(counter.events, 0);
    });
  });
}

describeOnServer('channel listener on a PostgreSQL server whose session is lost', function () {
  this.timeout(30_000);
  let db: TestDatabase;

  before(async () => {
    db = await serverTarget.open();
  });

  it('stops listening, tells its subscribers, reconnects and hears notifications again', async () => {
    const listener = db.listen('polls_listener_loss_test');
    await waitFor(() => listener.listening, 'the listener listens');
    let events = 0;
    let sawDown = false;
    listener.subscribe(() => {
      events++;
      if (!listener.listening) sawDown = true;
    });
    // Every listener session of this database: the others reconnect just the same.
    await db.knex.raw(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where application_name = 'polls-listener' and datname = current_database()`,
    );
    await waitFor(() => sawDown, 'the listener reports the loss');
    await waitFor(() => listener.listening, 'the listener listens again');
    const beforeNotify = events;
    await db.knex.raw(`select pg_notify('polls_listener_loss_test', 'x')`);
    await listener.sync();
    assert.equal(events, beforeNotify + 1);
  });

  it('stays down once closed', async () => {
    const listener = db.listen('polls_listener_close_test');
    await waitFor(() => listener.listening, 'the listener listens');
    await listener.close();
    assert.equal(listener.listening, false);
    await new Promise((resolve) => setTimeout(resolve, 600)); // longer than the first reconnect delay
    assert.equal(listener.listening, false);
  });
});
