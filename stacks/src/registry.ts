import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Tags } from './tags';

export interface RegistryArgs {
  tags: Tags;
}

/** Release images kept in the repository; older ones expire so storage stays bounded. */
const keptImages = 30;
/** Days an untagged image (a failed or superseded push) survives. */
const untaggedImageDays = 7;

/** The ECR repository the pipeline pushes the service image to and the platforms pull it from. */
export class Registry extends pulumi.ComponentResource {
  readonly repositoryUrl: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:registry:Registry', name, {}, opts);
    const parent = { parent: this };

    // Immutable tags: a deployed tag always names the same, scanned image.
    // forceDelete: every image is rebuildable from its git tag, so `pulumi destroy` need not stall on them.
    const repository = new aws.ecr.Repository(
      `${name}-repository`,
      {
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: 'AES256' }],
        forceDelete: true,
        tags: args.tags,
      },
      parent,
    );

    new aws.ecr.LifecyclePolicy(
      `${name}-lifecycle`,
      {
        repository: repository.name,
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: `Expire untagged images after ${untaggedImageDays} days`,
              selection: {
                tagStatus: 'untagged',
                countType: 'sinceImagePushed',
                countUnit: 'days',
                countNumber: untaggedImageDays,
              },
              action: { type: 'expire' },
            },
            {
              rulePriority: 2,
              description: `Keep the ${keptImages} newest images`,
              selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keptImages },
              action: { type: 'expire' },
            },
          ],
        }),
      },
      parent,
    );

    this.repositoryUrl = repository.repositoryUrl;
    this.arn = repository.arn;
    this.registerOutputs({ repositoryUrl: this.repositoryUrl, arn: this.arn });
  }
}
