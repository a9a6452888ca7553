import assert from 'node:assert/strict';
import { connectToServer } from '../../src/db/connect.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { runCommand, serviceDir } from '../support/commands.js';
import { postgresServer } from '../support/databases.js';
import { loginForm } from '../support/login-form.js';
import { createScratchDatabase } from '../support/postgres-server.js';
import { startService, stopService, type ServiceProcess } from '../support/service-process.js';

// Built at run time so no literal password sits in the repository.
const editorPassword = `flood-${'z'.repeat(8)}-${process.pid}`;
const floodClients = 8;
const floodMs = 7_000;
// Long enough into the flood that every attacker has met the throttle and the password queue.
const editorLoginAfterMs = 4_000;
const requestTimeoutMs = 10_000;

/**
 * The flooding clients in a process of their own (login-flood-clients.ts): `flooding` resolves when they
 * begin, `answers` to how many answers of each status they got.
 */
function flood(url: string): { flooding: Promise<void>; answers: Promise<Record<string, number>> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/process/login-flood-clients.ts', url, String(floodClients), String(floodMs)],
    { cwd: serviceDir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  let begin = () => {};
  const flooding = new Promise<void>((resolve) => (begin = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
    if (output.startsWith('flooding\n')) begin();
  });
  // Its own loop ends after floodMs; this bound only catches a client that hangs.
  const killer = setTimeout(() => child.kill('SIGKILL'), floodMs + 30_000);
  const answers = once(child, 'exit').then(([code]) => {
    clearTimeout(killer);
    assert.equal(code, 0, `the flooding clients failed: ${output}`);
    return JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, number>;
  });
  return { flooding, answers };
}

function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

describe('a login flood against one service process', function () {
  this.timeout(90_000);
  // Two cores shared by the flood, the service, PostgreSQL and the test: one slow scrypt check can miss the
  // 2 s bound for reasons of the machine, not the service. It must hold in one of three runs.
  this.retries(2);
  let database: { url: string; drop(): Promise<void> } | undefined;
  let service: ServiceProcess | undefined;
  let question: { id: number; choiceId: number };

  before(async function () {
    // The bounds are the service's; on a machine whose cores already have more work than they can run (other
    // test runs), they would time the machine instead.
    const [load = 0] = loadavg();
    if (load > cpus().length) {
      console.log(`      skipped: load average ${load.toFixed(1)} on ${cpus().length} cores`);
      this.skip();
    }
    database = await createScratchDatabase((await postgresServer()).adminUrl, 'flood');
    assert.equal((await runCommand('migrate', { DATABASE_URL: database.url })).code, 0);
    const created = await runCommand(
      'create-admin',
      { DATABASE_URL: database.url, ADMIN_PASSWORD: editorPassword },
      30_000,
      ['--username', 'editor'],
    );
    assert.equal(created.code, 0, created.stderr);
    const { knex, close } = connectToServer(database.url);
    try {
      const [row] = await knex('questions')
        .insert({ question_text: 'Under attack?', pub_date: new Date(0) })
        .returning<{ id: number }[]>('id');
      const [choice] = await knex('choices')
        .insert({ question_id: row!.id, choice_text: 'Yes' })
        .returning<{ id: number }[]>('id');
      question = { id: row!.id, choiceId: choice!.id };
    } finally {
      await close();
    }
    service = await startService({
      DATABASE_URL: database.url,
      NODE_ENV: 'production',
      SESSION_KEYS: `flood-session-key-${'k'.repeat(32)}`,
      // The test is the proxy: it writes the X-Forwarded-For entry the service counts.
      TRUST_PROXY: '1',
    });
  });
  after(async () => {
    await stopService(service);
    await database?.drop();
  });

  it('keeps votes under 100 ms at p99 and lets an editor elsewhere log in within 2 s while 8 clients flood logins', async () => {
    const url = service!.url;
    const attack = flood(url);
    await attack.flooding;
    const floodEnds = Date.now() + floodMs;

    const voteMs: number[] = [];
    const votes = (async () => {
      while (Date.now() < floodEnds) {
        const started = performance.now();
        const response = await fetch(`${url}/api/questions/${question.id}/votes`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '192.0.2.50' },
          body: JSON.stringify({ choiceId: question.choiceId }),
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
        await response.arrayBuffer();
        voteMs.push(performance.now() - started);
        assert.equal(response.status, 201);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    const editor = (async () => {
      await new Promise((resolve) => setTimeout(resolve, editorLoginAfterMs));
      const started = performance.now();
      const post = await loginForm(url, '198.51.100.2');
      const response = await post('editor', editorPassword);
      return { status: response.status, ms: performance.now() - started };
    })();

    await votes;
    const login = await editor;
    const answers = await attack.answers;
    const summary = `flood answers ${JSON.stringify(answers)}, ${voteMs.length} votes, p99 ${percentile(voteMs, 0.99).toFixed(1)} ms, editor login ${login.ms.toFixed(0)} ms`;
    assert.equal(login.status, 303, summary);
    assert.ok(login.ms < 2_000, summary);
    assert.ok(voteMs.length >= 100, summary);
    assert.ok(percentile(voteMs, 0.99) < 100, summary);
    assert.ok(!Object.keys(answers).some((status) => status.startsWith('5')), summary);
    assert.ok((answers['429'] ?? 0) > 0, `the flood met no throttle: ${summary}`);
    console.log(`      ${summary}`);
  });
});
