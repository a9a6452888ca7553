import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeConfig, type Project } from '../src/engine-config/merge';
import { readStackConfig } from '../src/engine-config/stack-files';
import { Secret } from '../src/engine-config/values';

const project: Project = {
  name: 'app',
  config: {
    platform: { type: 'string' },
    count: { type: 'integer', default: 2 },
    flag: { type: 'boolean', default: false },
    name: { type: 'string', default: '' },
    admins: { type: 'array', items: { type: 'string' }, default: [] },
    tags: { type: 'object', default: { b: '2', a: '<1>' } },
    token: { type: 'string', secret: true, default: null },
    'aws:region': { value: 'eu-west-1' },
  },
};
const merged = (stack: Parameters<typeof mergeConfig>[2], environment?: Parameters<typeof mergeConfig>[3]) =>
  mergeConfig(project, 'dev', { 'app:token': new Secret('t0ken'), ...stack }, environment);

describe('engine config: what the engine hands the program', () => {
  it('fills unset keys with the project defaults, as text: numbers and booleans as JSON, lists as JSON', () => {
    const { config } = merged({ 'app:platform': 'ec2' });
    assert.deepEqual(config, {
      'app:platform': 'ec2',
      'app:count': '2',
      'app:flag': 'false',
      'app:name': '',
      'app:admins': '[]',
      // Go's encoding/json: keys sorted, < > & escaped.
      'app:tags': '{"a":"\\u003c1\\u003e","b":"2"}',
      'app:token': 't0ken',
      'aws:region': 'eu-west-1',
    });
  });

  it('names every project key that has neither a value nor a default, in one error', () => {
    assert.throws(() => mergeConfig(project, 'dev', {}), {
      message: "Stack 'dev' is missing configuration values 'platform' and 'token'",
    });
  });

  it('checks declared types: integer and boolean text, lists and maps only as lists and maps', () => {
    const refused = (key: string, value: Parameters<typeof mergeConfig>[2][string], type: string) =>
      assert.throws(() => merged({ 'app:platform': 'ec2', [`app:${key}`]: value }), {
        message: `Stack 'dev' with configuration key '${key}' must be of type '${type}'`,
      });
    assert.equal(merged({ 'app:platform': 'ec2', 'app:count': '3' }).config['app:count'], '3');
    refused('count', '1.5', 'integer');
    refused('flag', 'yes', 'boolean');
    refused('admins', '["arn"]', 'array<string>');
    refused('admins', [1], 'array<string>');
    refused('tags', 'a=1', 'object');
  });

  it('keeps secure values secret: the key is listed, and a `secret: true` key refuses plain text', () => {
    const { config, secretKeys } = merged({ 'app:platform': 'ec2', 'app:admins': ['a', new Secret('b')] });
    assert.deepEqual(secretKeys, ['app:admins', 'app:token']);
    assert.equal(config['app:admins'], '["a","b"]');
    assert.throws(() => merged({ 'app:platform': 'ec2', 'app:token': 'plain' }), {
      message: "Stack 'dev' with configuration key 'token' must be encrypted as it's secret",
    });
  });

  it('puts an ESC environment under the stack file: the stack wins, maps merge key by key', () => {
    const { config } = merged(
      { 'app:platform': 'ec2', 'app:tags': { a: 'stack' } },
      { platform: 'eks', count: 5, tags: { a: 'env', c: 'env' } },
    );
    assert.equal(config['app:platform'], 'ec2');
    assert.equal(config['app:count'], '5');
    assert.equal(config['app:tags'], '{"a":"stack","c":"env"}');
  });

  it('refuses a project whose default does not fit its type', () => {
    const bad: Project = { name: 'app', config: { count: { type: 'integer', default: 'two' } } };
    assert.throws(() => mergeConfig(bad, 'dev', {}), {
      message:
        "The default value specified for configuration key 'count' is not of the expected type 'integer'",
    });
  });

  describe('from the files', () => {
    let root: string;
    before(() => {
      root = mkdtempSync(join(tmpdir(), 'engine-config-'));
      writeFileSync(
        join(root, 'Pulumi.yaml'),
        'name: app\nconfig:\n  size: 3\n  version:\n    type: string\n    default: "1.35"\n',
      );
      writeFileSync(
        join(root, 'Pulumi.dev.yaml'),
        'config:\n  app:version: 1.30\n  password:\n    secure: v1:abc\n  aws:region: eu-west-1\n',
      );
    });
    after(() => rmSync(root, { recursive: true }));

    it('reads shorthand defaults, namespaces bare keys, decrypts secure values, and keeps YAML numbers as numbers', () => {
      const { config, secretKeys } = readStackConfig(root, 'dev', {
        decrypt: (ciphertext) => `plain-of-${ciphertext}`,
      });
      assert.deepEqual(config, {
        'app:size': '3',
        // An unquoted 1.30 is a YAML float: the program sees "1.3".
        'app:version': '1.3',
        'app:password': 'plain-of-v1:abc',
        'aws:region': 'eu-west-1',
      });
      assert.deepEqual(secretKeys, ['app:password']);
    });

    it('stops at a secure value it cannot decrypt, and applies `config set` and `config rm` first', () => {
      assert.throws(() => readStackConfig(root, 'dev'), { message: /^app:password is a secure value/ });
      const { config } = readStackConfig(root, 'dev', {
        set: { password: null, version: '1.36', size: 4 },
      });
      assert.deepEqual(config, { 'app:size': '4', 'app:version': '1.36', 'aws:region': 'eu-west-1' });
    });
  });
});
