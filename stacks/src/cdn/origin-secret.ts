import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { Tags } from '../tags';

/** The header CloudFront adds to every request it sends the origin; the origin refuses requests without it. */
export const originSecretHeader = 'X-Origin-Verify';

/** What a platform's origin checks: the header, and every value it accepts (each a Pulumi secret). */
export interface OriginLock {
  headerName: string;
  acceptedValues: pulumi.Output<string>[];
}

export interface OriginSecretArgs {
  /** polls:cdnOriginSecretGeneration: raising it by one rotates the secret. */
  generation: number;
  tags: Tags;
}

/** Days a deleted secret can still be restored, as for the service's own secret. */
const recoveryWindowDays = 7;

/**
 * The secret header value that proves a request came through this stack's CloudFront distribution (the
 * custom-header pattern of "Restrict access to Application Load Balancers", CloudFront Developer Guide). Each
 * generation is its own random value, named after its number: raising the generation creates the next one and
 * keeps the current one, so the origin accepts both while CloudFront deploys the new value to every edge
 * (minutes), and the one before is deleted. The current value is kept in Secrets Manager (a new version per
 * rotation, the previous one labelled AWSPREVIOUS) for operators and tools; it is never a stack output.
 */
export class OriginSecret extends pulumi.ComponentResource {
  /** The value CloudFront sends. */
  readonly current: pulumi.Output<string>;
  readonly lock: OriginLock;
  readonly secretArn: pulumi.Output<string>;

  constructor(name: string, args: OriginSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:cdn:OriginSecret', name, {}, opts);
    const parent = { parent: this };
    const generations = args.generation > 1 ? [args.generation, args.generation - 1] : [args.generation];
    const [current, ...previous] = generations.map((generation) =>
      pulumi.secret(
        new random.RandomPassword(`${name}-${generation}`, { length: 48, special: false }, parent).result,
      ),
    );
    this.current = current!;
    this.lock = { headerName: originSecretHeader, acceptedValues: [this.current, ...previous] };

    const secret = new aws.secretsmanager.Secret(
      `${name}-secret`,
      {
        description: `polls CDN origin secret: the ${originSecretHeader} header CloudFront sends the load balancer`,
        recoveryWindowInDays: recoveryWindowDays,
        tags: args.tags,
      },
      parent,
    );
    const version = new aws.secretsmanager.SecretVersion(
      `${name}-version`,
      { secretId: secret.id, secretString: this.current },
      parent,
    );
    this.secretArn = version.secretArn;
    this.registerOutputs({ secretArn: this.secretArn });
  }
}
