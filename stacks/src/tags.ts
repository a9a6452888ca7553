import type { StackConfig } from './config';

/** Tags every taggable AWS resource carries, so cost and ownership can be traced to a stack. */
export type Tags = Record<string, string>;

/** The tag keys the `required-tags` policy checks. */
export const requiredTagKeys = ['project', 'stack', 'platform'] as const;

export function stackTags(config: Pick<StackConfig, 'project' | 'stack' | 'platform'>): Tags {
  return { project: config.project, stack: config.stack, platform: config.platform };
}

/** The tags plus a Name, which the EC2 console shows in its lists. */
export function named(tags: Tags, name: string): Tags {
  return { ...tags, Name: name };
}
