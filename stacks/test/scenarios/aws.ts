/**
 * What AWS does with an update where it differs from what the program asked: the updates it refuses, and
 * the values it reports back while a change waits. Each rule names the documented behaviour it follows;
 * docs/deploying.md ("What the scenarios stand in for") lists them.
 */

type Inputs = Record<string, unknown>;

interface ScalingConfig {
  minSize: number;
  maxSize: number;
  desiredSize: number;
}

/**
 * AWS's error for an update it refuses, as `pulumi up` would stop with it; undefined when it accepts it.
 * `sent` is what the provider sends: the program's inputs with the `ignoreChanges` paths kept from the state.
 */
export function refusedUpdate(type: string, sent: Inputs): string | undefined {
  if (type === 'aws:eks/nodeGroup:NodeGroup') {
    // The provider sends the whole scaling_config on any change to it (terraform-provider-aws
    // internal/service/eks/node_group.go, resourceNodeGroupUpdate), and UpdateNodegroupConfig checks
    // min ≤ desired ≤ max (https://docs.aws.amazon.com/eks/latest/APIReference/API_NodegroupScalingConfig.html).
    const { minSize, maxSize, desiredSize } = sent.scalingConfig as ScalingConfig;
    if (minSize > desiredSize) {
      return `InvalidParameterException: Minimum capacity ${minSize} can't be greater than desired size ${desiredSize}`;
    }
    if (desiredSize > maxSize) {
      return `InvalidParameterException: Desired capacity ${desiredSize} can't be greater than max size ${maxSize}`;
    }
  }
  return undefined;
}

/**
 * RDS settings that, without ApplyImmediately, wait for the instance's maintenance window: ModifyDBInstance
 * reports success and DescribeDBInstances keeps the old value (the new one sits in PendingModifiedValues),
 * so the state the next preview compares with still holds it
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ModifyInstance.Settings.html).
 */
const deferredDatabaseSettings = ['instanceClass', 'allocatedStorage', 'multiAz'];

/** The inputs as the provider reads them back after an update it sent: what the next `pulumi up` diffs against. */
export function reportedAfterUpdate(type: string, previous: Inputs, sent: Inputs): Inputs {
  if (type === 'aws:rds/instance:Instance' && sent.applyImmediately !== true) {
    const waiting = Object.fromEntries(
      deferredDatabaseSettings.filter((key) => key in previous).map((key) => [key, previous[key]]),
    );
    return { ...sent, ...waiting };
  }
  return sent;
}

type Record53 = { zoneId: string; name: string; type: string };
const recordType = 'aws:route53/record:Record';

function recordKey(inputs: Inputs): string {
  const { zoneId, name, type } = inputs as Record53;
  return `${zoneId} ${String(name).replace(/\.$/, '')} ${type}`;
}

/**
 * The ACM validation records that certificates left after the update still validate with, but that the
 * update deleted from the zone. Route 53 holds one record per zone, name and type, whichever resources manage
 * it, and the provider deletes a record by its name, type and values (terraform-provider-aws
 * internal/service/route53/record.go), so deleting one of two resources that manage the same record deletes
 * it for both; deletes of resources gone from the program run after every create and update (Pulumi docs,
 * "How Pulumi works": deletions last).
 */
export function lostValidationRecords(
  before: { resources: Array<{ type: string; name: string; inputs: Inputs }> },
  after: { resources: Array<{ type: string; name: string; inputs: Inputs }> },
  changes: Array<{ key: string; change: string }>,
): string[] {
  const zone = new Set(
    after.resources.filter((resource) => resource.type === recordType).map((r) => recordKey(r.inputs)),
  );
  for (const change of changes.filter((each) => each.change === 'delete')) {
    const gone = before.resources.find((resource) => `${resource.type}::${resource.name}` === change.key);
    if (gone?.type === recordType) zone.delete(recordKey(gone.inputs));
  }
  const names = new Set([...zone].map((key) => key.split(' ')[1]));
  return after.resources
    .filter((resource) => resource.type === 'aws:acm/certificateValidation:CertificateValidation')
    .flatMap((validation) => (validation.inputs.validationRecordFqdns as string[]) ?? [])
    .map((fqdn) => fqdn.replace(/\.$/, ''))
    .filter((fqdn) => !names.has(fqdn));
}
