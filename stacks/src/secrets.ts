import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { DatabaseConnection } from './database';
import type { Tags } from './tags';

export interface AppSecretsArgs {
  databaseConnection: pulumi.Input<DatabaseConnection>;
  tags: Tags;
}

/** The environment variables the service reads from the secret, in the JSON the EC2 boot script expects. */
export interface AppSecretValues {
  DATABASE_URL: string;
  SESSION_KEYS: string;
}

/** Days a deleted secret can still be restored; the minimum, so a destroyed stack is gone within the week. */
const recoveryWindowDays = 7;

export function databaseUrl(connection: DatabaseConnection): string {
  const user = encodeURIComponent(connection.username);
  const password = encodeURIComponent(connection.password);
  return `postgres://${user}:${password}@${connection.host}:${connection.port}/${connection.database}`;
}

/**
 * The service's secrets: the database URL and the cookie-signing keys. Each is a Pulumi secret (the eks
 * platform turns them into a Kubernetes Secret) and all of them live in one Secrets Manager secret, which
 * EC2 instances read at boot through their role, so no secret ever appears in user data.
 */
export class AppSecrets extends pulumi.ComponentResource {
  readonly databaseUrl: pulumi.Output<string>;
  readonly sessionKeys: pulumi.Output<string>;
  /** The Secrets Manager secret holding {@link AppSecretValues} as JSON. */
  readonly secretArn: pulumi.Output<string>;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:secrets:AppSecrets', name, {}, opts);
    const parent = { parent: this };

    // One signing key to start with; SESSION_KEYS takes a comma-separated list, so rotation can prepend more.
    const sessionKey = new random.RandomPassword(
      `${name}-session-key`,
      { length: 64, special: false },
      parent,
    );

    this.databaseUrl = pulumi.secret(pulumi.output(args.databaseConnection).apply(databaseUrl));
    this.sessionKeys = pulumi.secret(sessionKey.result);

    const secret = new aws.secretsmanager.Secret(
      `${name}-app`,
      {
        description: 'polls service environment: DATABASE_URL and SESSION_KEYS',
        recoveryWindowInDays: recoveryWindowDays,
        tags: args.tags,
      },
      parent,
    );
    const version = new aws.secretsmanager.SecretVersion(
      `${name}-app-version`,
      {
        secretId: secret.id,
        secretString: pulumi.secret(
          pulumi
            .all([this.databaseUrl, this.sessionKeys])
            .apply(([url, keys]) =>
              JSON.stringify({ DATABASE_URL: url, SESSION_KEYS: keys } satisfies AppSecretValues),
            ),
        ),
      },
      parent,
    );
    // The secret's ARN, read from the version (its `arn` is deprecated for `secretArn` in @pulumi/aws 7): depending
    // on the version means nothing reads the secret before it has a value.
    this.secretArn = version.secretArn;
    this.registerOutputs({ secretArn: this.secretArn });
  }
}
