import assert from 'node:assert/strict';
import { flushRepeatedLogLines, RepeatedLogLines } from '../src/repeated-log-lines.js';

const windowMs = 50;
const windowEnds = () => new Promise((resolve) => setTimeout(resolve, windowMs * 2));

describe('RepeatedLogLines', () => {
  it('writes the first line of a kind at once and the repeats as one count when the window ends', async () => {
    const lines = new RepeatedLogLines(windowMs);
    const written: [string, number][] = [];
    for (let i = 0; i < 1000; i++)
      lines.write('refused', (repeated) => written.push([`refused ${i}`, repeated]));
    assert.deepEqual(written, [['refused 0', 0]]);
    await windowEnds();
    assert.deepEqual(written, [
      ['refused 0', 0],
      ['refused 999', 999],
    ]);
  });

  it('counts each kind on its own, and writes a lone line once', async () => {
    const lines = new RepeatedLogLines(windowMs);
    const written: string[] = [];
    lines.write('refused', (repeated) => written.push(`refused ×${repeated}`));
    lines.write('timeout', (repeated) => written.push(`timeout ×${repeated}`));
    lines.write('refused', (repeated) => written.push(`refused ×${repeated}`));
    await windowEnds();
    assert.deepEqual(written, ['refused ×0', 'timeout ×0', 'refused ×1']);
  });

  it('writes at once again after a quiet window', async () => {
    const lines = new RepeatedLogLines(windowMs);
    const written: number[] = [];
    lines.write('refused', (repeated) => written.push(repeated));
    await windowEnds();
    lines.write('refused', (repeated) => written.push(repeated));
    assert.deepEqual(written, [0, 0]);
  });

  it('writes every line once it holds back 100 kinds, rather than keep more', () => {
    const lines = new RepeatedLogLines(windowMs);
    const written: string[] = [];
    for (let kind = 0; kind < 100; kind++) lines.write(`kind ${kind}`, () => written.push(`kind ${kind}`));
    lines.write('one more', () => written.push('one more'));
    lines.write('one more', () => written.push('one more'));
    assert.equal(written.length, 102);
  });
});

describe('flushRepeatedLogLines', () => {
  it('writes the counts held back by every instance at once, as shutdown needs', () => {
    const written: string[] = [];
    const knexLines = new RepeatedLogLines(60_000);
    const requestLines = new RepeatedLogLines(60_000);
    for (let i = 0; i < 3; i++) knexLines.write('refused', (repeated) => written.push(`knex ×${repeated}`));
    for (let i = 0; i < 2; i++) requestLines.write('503', (repeated) => written.push(`503 ×${repeated}`));
    flushRepeatedLogLines();
    assert.deepEqual(written, ['knex ×0', '503 ×0', 'knex ×2', '503 ×1']);
    flushRepeatedLogLines();
    assert.equal(written.length, 4, 'nothing is written twice');
  });
});
