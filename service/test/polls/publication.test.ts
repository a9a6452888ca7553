import assert from 'node:assert/strict';
import { wasPublishedRecently } from '../../src/polls/publication.js';

const now = new Date('2026-11-25T12:00:00Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);
const second = 1000;
const day = 24 * 60 * 60 * second;

describe('wasPublishedRecently', () => {
  it('is false for a question whose pub_date is in the future', () => {
    assert.equal(wasPublishedRecently(at(30 * day), now), false);
  });

  it('is false for a question older than one day', () => {
    assert.equal(wasPublishedRecently(at(-day - second), now), false);
  });

  it('is true for a question published within the last day', () => {
    assert.equal(wasPublishedRecently(at(-(23 * 60 * 60 + 59 * 60 + 59) * second), now), true);
  });

  it('is true at the exact moment of publication', () => {
    assert.equal(wasPublishedRecently(now, now), true);
  });
});
