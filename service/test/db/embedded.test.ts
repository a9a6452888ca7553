import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedPostgres } from '../../src/db/embedded.js';
import { installedPGliteVersion } from '../../src/db/embedded-template.js';

describe('the embedded database directory', () => {
  // One template for the suite: the first test to open a database makes it.
  let templateDir: string;
  let dataDir: string;

  before(() => {
    templateDir = mkdtempSync(path.join(tmpdir(), 'polls-embedded-template-'));
  });
  after(() => rmSync(templateDir, { recursive: true, force: true }));
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'polls-embedded-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is refused to a second opener while another process holds it', async () => {
    const holder = process.ppid; // a process that is certainly alive and is not this one
    writeFileSync(path.join(dataDir, 'polls.lock'), String(holder));
    await assert.rejects(openEmbeddedPostgres(dataDir, templateDir), {
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
    const embedded = await openEmbeddedPostgres(dataDir, templateDir);
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

  it('starts a new directory as a copy of the template: a working cluster of its own', async function () {
    this.timeout(60_000);
    const embedded = await openEmbeddedPostgres(dataDir, templateDir);
    try {
      await embedded.pglite.exec('create table written_here (id int)');
    } finally {
      await embedded.pglite.close();
      embedded.release();
    }
    const otherDir = mkdtempSync(path.join(tmpdir(), 'polls-embedded-'));
    const other = await openEmbeddedPostgres(otherDir, templateDir);
    try {
      const { rows } = await other.pglite.query("select 1 from pg_tables where tablename = 'written_here'");
      assert.equal(rows.length, 0, 'the first directory wrote to its copy, not to the template');
      assert.deepEqual(readdirSync(templateDir), [`pglite-${installedPGliteVersion()}`]);
    } finally {
      await other.pglite.close();
      other.release();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
