import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signs and checks cookies exactly as Keygrip does (HMAC-SHA1 in base64url, the first key signs, every key
 * verifies), so cookies signed before stay valid. Signatures are compared with crypto.timingSafeEqual:
 * Keygrip's comparison draws random bytes and computes two more HMACs each time. Our own because it pays:
 * every vote verifies its CSRF cookie, and Keygrip's check cost several times as much (docs/benchmarks.md,
 * "Cookie signatures"). Every signature is checked in full: nothing is remembered between requests.
 */
export class CookieKeys {
  constructor(private readonly keys: readonly string[]) {
    if (keys.length === 0) throw new Error('at least one cookie key is needed');
  }

  sign(data: string): string {
    return signature(data, this.keys[0]!);
  }

  verify(data: string, digest: string): boolean {
    return this.index(data, digest) !== -1;
  }

  /** The index of the key that made `digest`, or -1. */
  index(data: string, digest: string): number {
    const given = Buffer.from(digest);
    return this.keys.findIndex((key) => sameBytes(Buffer.from(signature(data, key)), given));
  }
}

function sameBytes(expected: Buffer, given: Buffer): boolean {
  // Every signature has the same length, so comparing lengths first reveals nothing.
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function signature(data: string, key: string): string {
  return createHmac('sha1', key).update(data).digest('base64url');
}
