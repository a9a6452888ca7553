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
