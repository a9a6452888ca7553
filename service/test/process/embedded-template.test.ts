import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../support/commands.js';

describe("the embedded database's template, across processes", () => {
  let scratch: string;

  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'polls-template-process-'));
  });
  afterEach(() => rm(scratch, { recursive: true, force: true }));

  it('is made once for two first starts at once, each copying it; make-embedded-template then keeps it', async function () {
    this.timeout(120_000);
    const templateDir = join(scratch, 'templates');
    const migrate = (dataDir: string) =>
      runCommand('migrate', { DATA_DIR: join(scratch, dataDir), EMBEDDED_TEMPLATE_DIR: templateDir }, 90_000);
    const started = await Promise.all([migrate('a'), migrate('b')]);
    for (const result of started) {
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /applied: /);
    }
    const templates = await readdir(templateDir);
    assert.equal(templates.length, 1, `one template and no partial directory: ${templates.join(', ')}`);
    for (const dataDir of ['a', 'b']) {
      assert.deepEqual((await readdir(join(scratch, dataDir))).sort(), ['pgdata']);
    }

    const template = join(templateDir, templates[0]!);
    const before = await stat(template);
    const made = await runCommand('make-embedded-template', { EMBEDDED_TEMPLATE_DIR: templateDir });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /the embedded database's template is ready/);
    assert.equal((await stat(template)).ino, before.ino, 'the existing template is kept, not made again');
  });
});
