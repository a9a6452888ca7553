import assert from 'node:assert/strict';
import { percentText } from '../../src/admin/result-shares.js';

describe('percentText', () => {
  it('writes tenths of a percent with one decimal', () => {
    assert.deepEqual([0, 5, 333, 1000].map(percentText), ['0.0', '0.5', '33.3', '100.0']);
  });
});
