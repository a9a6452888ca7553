import type * as pulumi from '@pulumi/pulumi';

/**
 * Options for the children of a component whose resources used to be created directly under the component's
 * own parent (or at the stack's root). The alias names that former parent, so on a live stack Pulumi moves
 * each resource into the component instead of deleting it and creating a new one.
 */
export function childrenMovedInto(
  component: pulumi.Resource,
  componentOptions: pulumi.ComponentResourceOptions | undefined,
): { parent: pulumi.Resource; aliases: pulumi.Alias[] } {
  // `parent: undefined` in an alias means "had no parent": the stack's root.
  return { parent: component, aliases: [{ parent: componentOptions?.parent }] };
}
