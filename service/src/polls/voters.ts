import { createHmac, randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import { clientAddress } from '../web/client-address.js';
import { SiteCookie } from '../web/site-cookie.js';

// Browsers keep a cookie 400 days at most: draft-ietf-httpbis-rfc6265bis ("The limit SHOULD NOT be
// greater than 400 days"; Expires and Max-Age beyond it are cut to it), as Chrome and Firefox do. Asking
// for more gains nothing.
const voterCookie = new SiteCookie('polls_voter', 400 * 24 * 60 * 60 * 1000);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Who casts a vote, as its question's voting rule looks at them. */
export interface Voter {
  /** The browser: the random id of its voter cookie. */
  readonly voter: string;
  /** The network address, as a keyed hash of it and the question, in hex. */
  readonly addressHash: string;
}

/**
 * Tells voters apart. A browser is the random id of its own signed voter cookie, issued with its first vote;
 * a cookie whose signature or value is wrong is no cookie, so its browser is a new one. An address is kept
 * only as an HMAC of the question and the address as throttling sees it (TRUST_PROXY): equal for one address
 * in one poll, unlinkable across polls, and not reversible without the key, which is derived from the first
 * of SESSION_KEYS (rotating that key lets each address vote once more in the polls open at the time).
 */
export class Voters {
  private readonly addressKey: Buffer;

  constructor(sessionKeys: readonly string[]) {
    this.addressKey = createHmac('sha256', sessionKeys[0]!).update('polls voter address').digest();
  }

  /** The voter of this request for a vote on `questionId`; a browser without a voter cookie is given one. */
  identify(ctx: Context, questionId: number): Voter {
    let voter = browserOf(ctx);
    if (!voter) {
      voter = randomUUID();
      voterCookie.set(ctx, voter);
    }
    const addressHash = createHmac('sha256', this.addressKey)
      .update(`${questionId} ${clientAddress(ctx)}`)
      .digest('hex')
      .slice(0, 32);
    return { voter, addressHash };
  }
}

/** The id of the browser's voter cookie, when it has a valid one; never issues one. */
export function browserOf(ctx: Context): string | undefined {
  const value = voterCookie.get(ctx);
  return value !== undefined && uuid.test(value) ? value : undefined;
}
