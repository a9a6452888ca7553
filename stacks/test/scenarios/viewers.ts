import { originSecretHeader } from '../../src/cdn/origin-secret';
import { revealed } from '../support/inputs';
import type { ProgramRun, RecordedResource } from '../support/program';
import type { PlannedChange } from './plan';

/** The CDN's own resources, which send the origin secret rather than check it. */
const cdnParents = new Set(['polls-cdn', 'polls-origin']);

function names(resource: RecordedResource | undefined, text: string): boolean {
  return resource !== undefined && JSON.stringify(revealed(resource.inputs)).includes(text);
}

/**
 * Why a `pulumi up` refuses viewers, or undefined. It does when it starts checking the origin secret (an
 * entry point's resource comes to name the header, or the load balancer stops admitting the internet) in the
 * same update that creates the distribution or points the site's name at it: the engine runs steps that do
 * not depend on each other in parallel (Pulumi docs, "Resource dependencies"), and even in order, resolvers
 * keep answering with the load balancer for the old record's TTL (60 s for an alias to a load balancer, Route
 * 53 Developer Guide, "Choosing between alias and non-alias records"), so viewers still reach the origin
 * directly, without the secret, while it starts refusing them.
 */
export function refusesViewers(
  before: ProgramRun,
  after: ProgramRun,
  changes: PlannedChange[],
): string | undefined {
  const find = (run: ProgramRun, key: string) =>
    run.resources.find((resource) => `${resource.type}::${resource.name}` === key);
  const locks = changes.filter((change) => {
    const next = find(after, change.key);
    const previous = find(before, change.key);
    if (change.change === 'delete') {
      return (
        change.type === 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule' &&
        previous?.inputs.cidrIpv4 === '0.0.0.0/0'
      );
    }
    return (
      !cdnParents.has(next?.parent?.name ?? '') &&
      names(next, originSecretHeader) &&
      !names(previous, originSecretHeader)
    );
  });
  const edge = changes.filter(
    (change) =>
      (change.type === 'aws:cloudfront/distribution:Distribution' && change.change === 'create') ||
      (change.type === 'aws:route53/record:Record' &&
        change.change !== 'delete' &&
        names(find(after, change.key), '.cloudfront.net') &&
        !names(find(before, change.key), '.cloudfront.net')),
  );
  if (locks.length === 0 || edge.length === 0) return undefined;
  return `${locks.map((change) => change.key).join(', ')} lock the origin while ${edge
    .map((change) => change.key)
    .join(', ')} put the CDN in front`;
}
