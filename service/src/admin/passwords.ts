import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const minimumPasswordLength = 12;

export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * OWASP's minimum for scrypt (128 MiB and a large fraction of a second of a core per hash; see the password
 * storage cheat sheet), the cost of every hash the service makes. Tests pass a lower one, as a test's
 * seconds are not an attacker's. Each stored hash records its parameters, so raising them later keeps
 * existing passwords working.
 */
export const passwordCost: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
const keyLength = 64;
const saltLength = 16;
const scheme = 'scrypt';

function derive(password: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  const maxmem = 256 * (options.N ?? 0) * (options.r ?? 0);
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, { ...options, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < minimumPasswordLength)
    return `The password must be at least ${minimumPasswordLength} characters long.`;
  return undefined;
}

/** A salted scrypt hash in the form `scrypt$N$r$p$salt$key`. */
export async function hashPassword(password: string, cost = passwordCost): Promise<string> {
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, cost, keyLength);
  return [scheme, cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [name, n, r, p, salt, key] = stored.split('$');
  if (name !== scheme || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(
    password,
    Buffer.from(salt, 'base64url'),
    { N: Number(n), r: Number(r), p: Number(p) },
    expected.length,
  );
  return timingSafeEqual(actual, expected);
}

/** True when `stored` was hashed at a lower cost than `cost`, so a successful login should rehash it. */
export function needsRehash(stored: string, cost = passwordCost): boolean {
  const [name, n, r, p] = stored.split('$');
  return name !== scheme || Number(n) < cost.N || Number(r) < cost.r || Number(p) < cost.p;
}

/**
 * Spends the time of one verification, so an unknown username answers as slowly as a wrong password: the same
 * derivation at `cost`, with a fresh salt, compared with nothing.
 */
export async function verifyAgainstNothing(password: string, cost = passwordCost): Promise<false> {
  await derive(password, randomBytes(saltLength), cost, keyLength);
  return false;
}
