import assert from 'node:assert/strict';
import { pooledRandomBytes } from '../../src/web/random-pool.js';

describe('pooledRandomBytes', () => {
  it('hands out every byte once: 10,000 draws of 32 bytes are all different and of the asked size', () => {
    const seen = new Set<string>();
    for (let draw = 0; draw < 10_000; draw++) {
      const bytes = pooledRandomBytes(32);
      assert.equal(bytes.length, 32);
      seen.add(bytes.toString('hex'));
    }
    assert.equal(seen.size, 10_000);
  });

  it('returns copies: changing one does not change the next', () => {
    const first = pooledRandomBytes(16);
    const copy = Buffer.from(first);
    first.fill(0);
    assert.notDeepEqual(pooledRandomBytes(16), first);
    assert.notDeepEqual(copy, Buffer.alloc(16));
  });

  it('serves sizes larger than its pool straight from the generator', () => {
    assert.equal(pooledRandomBytes(10_000).length, 10_000);
  });

  it('gives bytes that look random: every byte value appears in 2,048 draws of 32 bytes', () => {
    const values = new Set<number>();
    for (let draw = 0; draw < 2_048; draw++) for (const value of pooledRandomBytes(32)) values.add(value);
    assert.equal(values.size, 256);
  });
});
