import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  clusterTemplate,
  copyCluster,
  installedPGliteVersion,
  templatesBesidePGlite,
  type TemplateStore,
} from '../../src/db/embedded-template.js';

/** A stand-in for PGlite's initdb: a few files, written across a pause so that two makers can interleave. */
function store(dir: string, version = '1.0.0') {
  const made: string[] = [];
  const templates: TemplateStore = {
    dir,
    version,
    async make(pgdata) {
      made.push(pgdata);
      writeFileSync(path.join(pgdata, 'PG_VERSION'), version);
      await sleep(20);
      mkdirSync(path.join(pgdata, 'base'));
      writeFileSync(path.join(pgdata, 'base', '1'), `made by ${process.pid}`);
    },
  };
  return { templates, made };
}

describe('the embedded database template', () => {
  let scratch: string;
  let dir: string;

  beforeEach(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'polls-template-'));
    dir = path.join(scratch, 'templates');
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('is kept by default in node_modules/.cache beside the installed PGlite, by its version', () => {
    const pgliteDir = path.join(
      path.dirname(path.dirname(templatesBesidePGlite())),
      '@electric-sql',
      'pglite',
    );
    const manifest = JSON.parse(readFileSync(path.join(pgliteDir, 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.match(templatesBesidePGlite(), /\/node_modules\/\.cache\/polls-embedded-template$/);
    assert.equal(installedPGliteVersion(), manifest.version);
  });

  it('is made once per PGlite version, then reused', async () => {
    const { templates, made } = store(dir);
    const template = await clusterTemplate(templates);
    assert.equal(await clusterTemplate(templates), template);
    assert.equal(made.length, 1);
    assert.equal(readFileSync(path.join(template, 'PG_VERSION'), 'utf8'), '1.0.0');
    assert.deepEqual(readdirSync(dir), ['pglite-1.0.0'], 'no partial directory is left');
  });

  it('is made again for another PGlite version, never taken from the old one', async () => {
    const old = await clusterTemplate(store(dir, '1.0.0').templates);
    const { templates, made } = store(dir, '1.1.0');
    const template = await clusterTemplate(templates);
    assert.notEqual(template, old);
    assert.equal(made.length, 1);
    assert.equal(readFileSync(path.join(template, 'PG_VERSION'), 'utf8'), '1.1.0');
  });

  it('does not exist after a maker failed midway, and the next call makes it whole', async () => {
    const failing: TemplateStore = {
      ...store(dir).templates,
      async make(pgdata) {
        writeFileSync(path.join(pgdata, 'PG_VERSION'), '1.0.0');
        throw new Error('initdb failed');
      },
    };
    await assert.rejects(clusterTemplate(failing), /initdb failed/);
    assert.deepEqual(readdirSync(dir), [], 'neither a template nor a partial directory');
    const template = await clusterTemplate(store(dir).templates);
    assert.ok(existsSync(path.join(template, 'base', '1')));
  });

  it('removes the partial directory of a maker that died, and leaves a live one alone', async () => {
    const dead = path.join(dir, '.partial-2147483646-a1b2c3');
    const live = path.join(dir, `.partial-${process.ppid}-d4e5f6`);
    mkdirSync(dead, { recursive: true });
    mkdirSync(live);
    writeFileSync(path.join(dead, 'PG_VERSION'), 'half');
    const { templates, made } = store(dir);
    const template = await clusterTemplate(templates);
    assert.equal(made.length, 1, 'the partial directory is not taken for a template');
    assert.deepEqual(readdirSync(dir).sort(), [path.basename(live), path.basename(template)].sort());
  });

  it('is made whole when two makers race: both get the same finished template', async () => {
    const first = store(dir);
    const second = store(dir);
    const templates = await Promise.all([
      clusterTemplate(first.templates),
      clusterTemplate(second.templates),
    ]);
    assert.equal(templates[0], templates[1]);
    assert.equal(first.made.length + second.made.length, 2, 'both made one: neither waited for the other');
    assert.ok(existsSync(path.join(templates[0], 'base', '1')));
    assert.deepEqual(readdirSync(dir), ['pglite-1.0.0']);
  });

  describe('copied into a new data directory', () => {
    it('becomes a cluster of its own', async () => {
      const template = await clusterTemplate(store(dir).templates);
      const pgdata = path.join(scratch, 'data', 'pgdata');
      mkdirSync(path.dirname(pgdata));
      copyCluster(template, pgdata);
      writeFileSync(path.join(pgdata, 'base', '1'), 'written by the database');
      assert.equal(readFileSync(path.join(template, 'base', '1'), 'utf8'), `made by ${process.pid}`);
      assert.deepEqual(readdirSync(path.dirname(pgdata)), ['pgdata']);
    });

    it('leaves no cluster when the copy fails midway', async () => {
      const template = await clusterTemplate(store(dir).templates);
      // A FIFO cannot be copied: the copy fails after the files before it were written.
      execFileSync('mkfifo', [path.join(template, 'base', 'uncopyable')]);
      const pgdata = path.join(scratch, 'data', 'pgdata');
      mkdirSync(path.dirname(pgdata));
      assert.throws(() => copyCluster(template, pgdata));
      assert.deepEqual(readdirSync(path.dirname(pgdata)), [], 'neither pgdata nor a partial copy');
    });

    it('replaces a partial copy left by a start that died', async () => {
      const template = await clusterTemplate(store(dir).templates);
      const pgdata = path.join(scratch, 'data', 'pgdata');
      mkdirSync(`${pgdata}.partial`, { recursive: true });
      writeFileSync(path.join(`${pgdata}.partial`, 'stale'), 'from the start that died');
      copyCluster(template, pgdata);
      assert.deepEqual(readdirSync(pgdata).sort(), ['PG_VERSION', 'base']);
      assert.deepEqual(readdirSync(path.dirname(pgdata)), ['pgdata']);
    });
  });
});
