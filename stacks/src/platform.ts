import type * as pulumi from '@pulumi/pulumi';
import type { OriginLock } from './cdn/origin-secret';
import type { Site } from './config';
import type { Database } from './database';
import type { LastDeploy } from './last-deploy';
import type { PlatformTelemetry } from './observability/telemetry';
import type { Network } from './network';
import type { Registry } from './registry';
import type { AppSecrets } from './secrets';
import type { Tags } from './tags';
import type { RunningMachineImage } from './ec2/machine-image';
import type { RunningAddons } from './eks/addon-versions';

/** What every platform (ec2, eks) is built from: its own part of the validated config and the shared tiers. */
export interface PlatformArgs<Config> {
  /** The config keys the platform reads, and no others (each platform lists them beside its constructor). */
  config: Config;
  /** With a domain: the site's name and the zone that validates its certificate. */
  site?: Site;
  /** The image to run, checked present by index.ts (the first deploy runs without one). */
  image: string;
  network: Network;
  registry: Registry;
  database: Database;
  appSecrets: AppSecrets;
  /** A CDN is in front: the platform leaves the site's name to it. */
  behindCdn: boolean;
  /**
   * What the platform's entry point admits requests by, and then only those: set from the deploy after the one
   * that put the CDN in front, once viewers reach the site through it.
   */
  originLock?: OriginLock;
  /**
   * Without a CDN: the CDN's record for the site's name, which the platform's record takes over in place when
   * the CDN is turned off (two records for one name cannot exist side by side).
   */
  siteRecordFormerly?: pulumi.Alias;
  /** What the last deploy ran that this one keeps unless the operator asks (AMI, add-on versions). */
  running: Pick<LastDeploy, 'machineImage' | 'addonVersions'>;
  tags: Tags;
}

/** How a platform rolls out a new image, so the pipeline can wait for it (stacks/pipeline/rollout.ts). */
export type Rollout =
  | { kind: 'instance-refresh'; autoScalingGroupName: string }
  | { kind: 'deployment'; namespace: string; deployment: string };

/** What index.ts exports from a platform. */
export interface PlatformOutputs {
  /**
   * Where the platform answers: https://domain when a domain is set, otherwise the load balancer's http URL;
   * with a CDN, always the load balancer's own address (the origin, for debugging).
   */
  url: pulumi.Output<string>;
  /** The load balancer's DNS name: the CDN's origin. */
  originHostname: pulumi.Output<string>;
  /** Where the platform's record for the site's name is, or would be: the CDN's record takes it over in place. */
  siteRecord: pulumi.Alias;
  /** The ACM validation record of the platform's own certificate for the site's name (ec2 with a domain). */
  certificateValidationRecord?: pulumi.Output<string>;
  rollout: pulumi.Output<Rollout>;
  /** What the Monitoring tier watches: the platform's metrics, dimensions and access log. */
  telemetry: PlatformTelemetry;
}

/** The stack outputs docs/architecture.md promises. */
export interface StackOutputs {
  /** Where users reach the site (the CDN's address when there is one); absent until the first image is deployed. */
  url?: pulumi.Output<string>;
  /** With a CDN: its cloudfront.net name, its distribution id (for alarms), and the origin's URL (debugging only). */
  cdnDomainName?: pulumi.Output<string>;
  cdnDistributionId?: pulumi.Output<string>;
  originUrl?: pulumi.Output<string>;
  /** The image the platform runs; the next `pulumi up` without polls:image keeps it (last-deploy.ts). */
  image?: string;
  platform: string;
  /** The zones the network spans, its address block and region; a later deploy may not change them (last-deploy.ts). */
  azCount: number;
  vpcCidr: string;
  region: string;
  repositoryUrl: pulumi.Output<string>;
  dbEndpoint: pulumi.Output<string>;
  rollout?: pulumi.Output<Rollout>;
  /** eks only, as a secret. */
  kubeconfig?: pulumi.Output<string>;
  /** ec2: the AMI the instances run; the next deploy keeps it (ec2/machine-image.ts). */
  machineImage?: pulumi.Output<RunningMachineImage>;
  /** eks: the add-on versions the cluster runs; the next deploy keeps them (eks/addon-versions.ts). */
  addonVersions?: pulumi.Output<RunningAddons>;
  /** The stack's CloudWatch dashboard (absent until the first image is deployed). */
  dashboardUrl?: pulumi.Output<string>;
  /** The SNS topic every alarm notifies: subscribe chat or paging endpoints to it (docs/runbook.md). */
  alertTopicArn?: pulumi.Output<string>;
}
