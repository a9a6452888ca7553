import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedPostgres } from '../../src/db/embedded.js';

describe('the embedded database directory', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'polls-embedded-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is refused to a second opener while another process holds it', async () => {
    const holder = process.ppid; // a process that is certainly alive and is not this one
    writeFileSync(path.join(dataDir, 'polls.lock'), String(holder));
    await assert.rejects(openEmbeddedPostgres(dataDir), {
      message: `DATA_DIR ${dataDir} is in use by process ${holder}; stop it or set another DATA_DIR`,
    });
    assert.equal(
      readFileSync(path.join(dataDir, 'polls.lock'), 'utf8'),
      String(holder),
      'the lock is left alone',
    );
  });

  it('takes over a lock left by a process that died, and frees it on release', async function () {
    this.timeout(60_000);
    writeFileSync(path.join(dataDir, 'polls.lock'), '2147483646');
    const embedded = await openEmbeddedPostgres(dataDir);
    try {
      assert.equal(readFileSync(path.join(dataDir, 'polls.lock'), 'utf8'), String(process.pid));
      const { rows } = await embedded.pglite.query<{ answer: number }>('select 42 as answer');
      assert.equal(rows[0]?.answer, 42);
      const { rows: buffers } = await embedded.pglite.query<{ shared_buffers: string }>(
        'show shared_buffers',
      );
      assert.equal(buffers[0]?.shared_buffers, '16MB', "not initdb's 128 MB, zeroed on every open");
    } finally {
      await embedded.pglite.close();
      embedded.release();
    }
    assert.equal(existsSync(path.join(dataDir, 'polls.lock')), false);
  });
});
