import { randomBytes } from 'node:crypto';

const poolBytes = 4096;
let pool = Buffer.alloc(0);
let used = 0;

/**
 * Cryptographically random bytes, drawn from the system's generator 4 KB at a time and handed out once each,
 * as Node does for randomUUID: a form page draws two 32-byte values (the CSRF secret and its mask), and a call
 * into the generator each was a visible share of its CPU (docs/benchmarks.md, "Figures behind the code").
 */
export function pooledRandomBytes(size: number): Buffer {
  if (size > poolBytes) return randomBytes(size);
  if (used + size > pool.length) {
    pool = randomBytes(poolBytes);
    used = 0;
  }
  const bytes = Buffer.from(pool.subarray(used, used + size));
  // Handed out bytes are not kept: whoever reads the pool later learns nothing of them.
  pool.fill(0, used, used + size);
  used += size;
  return bytes;
}
