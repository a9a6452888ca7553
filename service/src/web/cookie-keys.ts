import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signs and checks cookies exactly as Keygrip does (HMAC-SHA1 in base64url, the first key signs, every key
 * verifies), so cookies signed before stay valid. Signatures are compared with crypto.timingSafeEqual:
 * Keygrip's comparison draws random bytes and computes two more HMACs each time. Our own because it pays:
 * verifying one signature took 11–14 µs with Keygrip 1.1 against 2.5–5 µs here (a loop of 50,000 in one
 * process, 2026-12-01), and every vote verifies its CSRF cookie: about a tenth of a grouped vote's CPU.
 */
export class CookieKeys {
  // Signatures already checked, by the data they sign: a voter sends the same signed cookie with every
  // request, and one HMAC each was about a twentieth of a vote's CPU (docs/benchmarks.md, "Where a vote's
  // CPU went"). Bounded and emptied when full, since anyone can have pairs signed by asking for pages.
  private readonly checked = new Map<string, { readonly digest: Buffer; readonly index: number }>();

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
    const known = this.checked.get(data);
    if (known && sameBytes(known.digest, given)) return known.index;
    const index = this.keyIndex(data, given);
    if (index !== -1) {
      if (this.checked.size >= rememberedSignatures) this.checked.clear();
      this.checked.set(data, { digest: given, index });
    }
    return index;
  }

  private keyIndex(data: string, given: Buffer): number {
    return this.keys.findIndex((key) => sameBytes(Buffer.from(signature(data, key)), given));
  }
}

const rememberedSignatures = 4096;

function sameBytes(expected: Buffer, given: Buffer): boolean {
  // Every signature has the same length, so comparing lengths first reveals nothing.
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function signature(data: string, key: string): string {
  return createHmac('sha1', key).update(data).digest('base64url');
}
