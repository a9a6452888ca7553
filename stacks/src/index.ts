import * as pulumi from '@pulumi/pulumi';
import { loadStackConfig } from './config';
import { Database } from './database';
import { Ec2Platform } from './ec2/platform';
import { chooseDeployment } from './image-choice';
import { checkZoneCount, readLastDeploy } from './last-deploy';
import { EksPlatform } from './eks/platform';
import { Network } from './network';
import { Monitoring } from './observability/monitoring';
import type { PlatformOutputs, StackOutputs } from './platform';
import { Registry } from './registry';
import { AppSecrets } from './secrets';
import { stackTags } from './tags';

/** The program: read config once, build the shared tiers, then the platform the stack asks for. */
async function deploy(): Promise<StackOutputs> {
  const config = loadStackConfig();
  // Decided before anything is registered, so a refusal changes nothing.
  const lastDeploy = await readLastDeploy();
  checkZoneCount(config.azCount, lastDeploy);
  const deployment = chooseDeployment({
    configured: config.image,
    running: lastDeploy.image,
    foundationOnly: config.foundationOnly,
  });
  const tags = stackTags(config);

  const network = new Network('polls', {
    vpcCidr: config.vpcCidr,
    azCount: config.azCount,
    natGatewayPerAz: config.natGatewayPerAz,
    tags,
  });
  const registry = new Registry('polls', { tags });
  const database = new Database('polls-db', {
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
    instanceClass: config.dbInstanceClass,
    allocatedStorageGb: config.dbAllocatedStorage,
    multiAz: config.dbMultiAz,
    backupRetentionDays: config.dbBackupRetentionDays,
    deletionProtection: config.dbDeletionProtection,
    finalSnapshot: config.dbFinalSnapshot,
    tags,
  });
  const appSecrets = new AppSecrets('polls', { databaseConnection: database.connection, tags });

  const outputs: StackOutputs = {
    platform: config.platform,
    azCount: config.azCount,
    repositoryUrl: registry.repositoryUrl,
    dbEndpoint: database.endpoint,
  };
  // The first deploy has no image yet: it builds the foundation, so the pipeline can push to the registry.
  if (deployment.foundationOnly) return outputs;

  const { image } = deployment;
  const platformArgs = { config, image, network, registry, database, appSecrets, tags };
  const watch = (platform: PlatformOutputs) => {
    const monitoring = new Monitoring('polls-monitoring', {
      config,
      databaseIdentifier: database.identifier,
      platform: platform.telemetry,
      tags,
    });
    return {
      ...outputs,
      image,
      url: platform.url,
      rollout: platform.rollout,
      dashboardUrl: monitoring.dashboardUrl,
      alertTopicArn: monitoring.topicArn,
    };
  };
  if (config.platform === 'ec2') return watch(new Ec2Platform('polls', platformArgs));
  const platform = new EksPlatform('polls', platformArgs);
  return { ...watch(platform), kubeconfig: pulumi.secret(platform.kubeconfig) };
}

export = deploy;
