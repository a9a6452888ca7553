import assert from 'node:assert/strict';
import Keygrip from 'keygrip';
import { CookieKeys } from '../../src/web/cookie-keys.js';

const oldKey = 'an-older-key-that-is-long-enough-0123456789';
const newKey = 'the-current-key-that-is-long-enough-0123456';

describe('CookieKeys', () => {
  it('signs exactly as Keygrip, so cookies signed before the switch stay valid', () => {
    const keys = new CookieKeys([newKey, oldKey]);
    const keygrip = new Keygrip([newKey, oldKey]);
    for (const data of ['polls_csrf=abc', 'polls_admin=' + 'x'.repeat(64), '']) {
      assert.equal(keys.sign(data), keygrip.sign(data));
      assert.equal(keys.index(data, keygrip.sign(data)), 0);
      assert.equal(keygrip.index(data, keys.sign(data)), 0);
    }
  });

  it('finds the key that signed, so rotated-out keys still verify', () => {
    const signedWithOld = new CookieKeys([oldKey]).sign('polls_csrf=abc');
    const keys = new CookieKeys([newKey, oldKey]);
    assert.equal(keys.index('polls_csrf=abc', signedWithOld), 1);
    assert.equal(keys.verify('polls_csrf=abc', signedWithOld), true);
  });

  it('refuses a signature of other data, of another key, or of another length', () => {
    const keys = new CookieKeys([newKey]);
    const signature = keys.sign('polls_csrf=abc');
    assert.equal(keys.index('polls_csrf=abd', signature), -1);
    assert.equal(keys.index('polls_csrf=abc', new CookieKeys([oldKey]).sign('polls_csrf=abc')), -1);
    assert.equal(keys.index('polls_csrf=abc', signature.slice(1)), -1);
    assert.equal(keys.verify('polls_csrf=abc', ''), false);
  });

  it('answers a pair the same way each time, and refuses any other signature of that data', () => {
    const keys = new CookieKeys([newKey, oldKey]);
    const signature = keys.sign('polls_csrf=abc');
    assert.equal(keys.index('polls_csrf=abc', signature), 0);
    assert.equal(keys.index('polls_csrf=abc', signature), 0);
    assert.equal(keys.index('polls_csrf=abc', `${signature.slice(0, -1)}A`), -1);
    assert.equal(keys.index('polls_csrf=abc', signature.slice(1)), -1);
    assert.equal(keys.index('polls_csrf=abc', new CookieKeys([oldKey]).sign('polls_csrf=abc')), 1);
    assert.equal(keys.index('polls_csrf=abd', signature), -1);
  });

  it('answers thousands of pairs right, each checked in full', () => {
    const keys = new CookieKeys([newKey]);
    const pairs = Array.from({ length: 5000 }, (_, n) => [`polls_csrf=${n}`, keys.sign(`polls_csrf=${n}`)]);
    for (const [data, signature] of pairs) assert.equal(keys.index(data!, signature!), 0);
    for (const [data, signature] of pairs) assert.equal(keys.index(data!, signature!), 0);
    assert.equal(keys.index(pairs[0]![0]!, pairs[1]![1]!), -1);
    assert.equal(keys.index(pairs[4999]![0]!, pairs[0]![1]!), -1);
  });

  it('needs at least one key', () => {
    assert.throws(() => new CookieKeys([]), /at least one cookie key/);
  });
});
