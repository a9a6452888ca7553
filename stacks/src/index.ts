import * as pulumi from '@pulumi/pulumi';
import { Cdn, cdnSiteRecord } from './cdn/distribution';
import { OriginSecret } from './cdn/origin-secret';
import { configPart, siteOf } from './config';
import { loadDeployableConfig } from './deployable-config';
import { Database, newDatabaseIdentifier } from './database';
import { ec2ConfigKeys, Ec2Platform } from './ec2/platform';
import { chooseDeployment } from './image-choice';
import { checkNetworkPlace, readLastDeploy } from './last-deploy';
import { eksConfigKeys, EksPlatform } from './eks/platform';
import { Network } from './network';
import { Monitoring } from './observability/monitoring';
import type { PlatformOutputs, StackOutputs } from './platform';
import { Registry } from './registry';
import { AppSecrets } from './secrets';
import { stackTags } from './tags';

const cdnName = 'polls-cdn';

/** The program: read config once, build the shared tiers, then the platform the stack asks for. */
async function deploy(): Promise<StackOutputs> {
  const config = loadDeployableConfig(new Date());
  // Decided before anything is registered, so a refusal changes nothing.
  const lastDeploy = await readLastDeploy();
  // The provider's region: `aws:region` of the stack file (the provider falls back to the environment).
  const region = new pulumi.Config('aws').get('region') ?? process.env.AWS_REGION ?? '';
  const place = { azCount: config.azCount, vpcCidr: config.vpcCidr, region };
  checkNetworkPlace(place, lastDeploy);
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
    // A deployed instance keeps its name: the identifier forces a replacement when it changes.
    identifier: lastDeploy.databaseIdentifier ?? newDatabaseIdentifier(config.stack),
    existing: lastDeploy.databaseIdentifier !== undefined,
    logRetentionDays: config.logRetentionDays,
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
    instanceClass: config.dbInstanceClass,
    allocatedStorageGb: config.dbAllocatedStorage,
    multiAz: config.dbMultiAz,
    backupRetentionDays: config.dbBackupRetentionDays,
    deletionProtection: config.dbDeletionProtection,
    finalSnapshot: config.dbFinalSnapshot,
    applyImmediately: config.dbApplyImmediately,
    tags,
  });
  const appSecrets = new AppSecrets('polls', { databaseConnection: database.connection, tags });

  const outputs: StackOutputs = {
    platform: config.platform,
    ...place,
    repositoryUrl: registry.repositoryUrl,
    dbEndpoint: database.endpoint,
  };
  // The first deploy has no image yet: it builds the foundation, so the pipeline can push to the registry.
  if (deployment.foundationOnly) return outputs;

  const { image } = deployment;
  // With a CDN, the platform's entry point admits only requests carrying this secret, from the first deploy
  // after the one that put the CDN in front: locking it earlier would refuse every viewer whose DNS still
  // points at the origin while the distribution deploys and the site's name moves (docs/deploying.md).
  const originSecret =
    config.cdn && new OriginSecret('polls-origin', { generation: config.cdnOriginSecretGeneration, tags });
  const lockOrigin = originSecret && lastDeploy.cdnServed === true;
  const site = siteOf(config);
  const platformArgs = {
    image,
    network,
    registry,
    database,
    appSecrets,
    behindCdn: Boolean(originSecret),
    originLock: lockOrigin ? originSecret.lock : undefined,
    siteRecordFormerly: originSecret ? undefined : cdnSiteRecord(cdnName),
    site,
    running: lastDeploy,
    tags,
  };
  let platform: PlatformOutputs;
  let platformOutputs: Pick<StackOutputs, 'kubeconfig' | 'machineImage' | 'addonVersions'>;
  if (config.platform === 'ec2') {
    const ec2 = new Ec2Platform('polls', { ...platformArgs, config: configPart(config, ec2ConfigKeys) });
    platform = ec2;
    platformOutputs = { machineImage: ec2.machineImage };
  } else {
    const eks = new EksPlatform('polls', { ...platformArgs, config: configPart(config, eksConfigKeys) });
    platform = eks;
    platformOutputs = { kubeconfig: pulumi.secret(eks.kubeconfig), addonVersions: eks.addonVersions };
  }
  const running: StackOutputs = {
    ...outputs,
    image,
    url: platform.url,
    rollout: platform.rollout,
    ...platformOutputs,
  };
  const watch = (cdnDistributionId?: pulumi.Output<string>) => {
    const monitoring = new Monitoring('polls-monitoring', {
      config,
      databaseIdentifier: database.identifier,
      platform: platform.telemetry,
      ...(cdnDistributionId && { cdnDistributionId }),
      tags,
    });
    return { dashboardUrl: monitoring.dashboardUrl, alertTopicArn: monitoring.topicArn };
  };
  // loadStackConfig refuses a CDN without a site, so with the secret there is always one.
  if (!originSecret || !site) return { ...running, ...watch() };

  const cdn = new Cdn(cdnName, {
    originHostname: platform.originHostname,
    originLock: originSecret.lock,
    site,
    siteRecordFormerly: platform.siteRecord,
    sharedValidationRecord: platform.certificateValidationRecord,
    waf: config.waf,
    tags,
  });
  return {
    ...running,
    ...watch(cdn.distributionId),
    url: cdn.url,
    cdnDomainName: cdn.domainName,
    cdnDistributionId: cdn.distributionId,
    originUrl: platform.url,
  };
}

export = deploy;
