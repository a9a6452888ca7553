import assert from 'node:assert/strict';
import * as pulumi from '@pulumi/pulumi';
import { AppSecrets, databaseUrl, type AppSecretValues } from '../src/secrets';
import { ec2Stack } from './support/ec2-stacks';
import { isSecretWrapper } from './support/inputs';
import { mockSecretMarker } from './support/mock-aws';

const connection = {
  host: 'db.internal',
  port: 5432,
  database: 'polls',
  username: 'polls',
  password: 'p@ss/w:rd',
};

describe('app secrets', () => {
  it('builds a database URL with the credentials percent-encoded', () => {
    assert.equal(databaseUrl(connection), 'postgres://polls:p%40ss%2Fw%3Ard@db.internal:5432/polls');
  });

  it('stores DATABASE_URL and SESSION_KEYS in Secrets Manager as a Pulumi secret', async () => {
    const run = await ec2Stack('dev');
    const version = run.one('aws:secretsmanager/secretVersion:SecretVersion').inputs;
    assert.ok(isSecretWrapper(version.secretString));
    const values = JSON.parse(String(version.secretString.value)) as AppSecretValues;
    assert.match(values.DATABASE_URL, new RegExp(`^postgres://polls:${mockSecretMarker}-polls-db-password@`));
    assert.equal(values.SESSION_KEYS, `${mockSecretMarker}-polls-session-key`);
  });

  it('exposes the database URL and session keys only as Pulumi secrets', async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, result: 'generated' } }),
        call: () => ({}),
      },
      'polls',
      'dev',
    );
    const secrets = new AppSecrets('test', { databaseConnection: connection, tags: {} });
    assert.equal(await pulumi.isSecret(secrets.databaseUrl), true);
    assert.equal(await pulumi.isSecret(secrets.sessionKeys), true);
  });
});
