import { randomBytes } from 'node:crypto';

const poolBytes = 4096;
let pool = Buffer.alloc(0);
let used = 0;

/**
 * Cryptographically random bytes, drawn from the system's generator 4 KB at a time and handed out once each,
 * as Node does for randomUUID. Two 32-byte draws per form page (the CSRF secret and its mask) cost about a
 * tenth of the detail page's CPU when each was a call into the generator of its own (profile, 2026-12-01).
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
