import * as pulumi from '@pulumi/pulumi';

/** The stack output that names the image the platform runs; {@link runningImage} reads it back. */
export const imageOutputName = 'image';

/**
 * The image the stack's last deploy ran, read from the stack's own outputs through a StackReference to
 * itself (the engine answers with the outputs of the last completed update). Undefined before the first
 * image and after a foundation-only deploy.
 */
export async function runningImage(): Promise<string | undefined> {
  const self = new pulumi.StackReference('polls-last-deploy', {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
  });
  const { value } = await self.getOutputDetails(imageOutputName);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
