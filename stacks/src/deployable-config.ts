import { loadStackConfig, type StackConfig } from './config';
import { connectionBudget } from './database-connections';
import { checkClusterAdmins, checkPublicEndpoint } from './eks/access';
import { checkKubernetesSupport } from './kubernetes-versions';

/**
 * The stack's config with every check the program makes before it registers anything: the program runs it,
 * and so does the pipeline before it builds (pipeline/config-check.ts), so a release never waits for its
 * approval only to stop at `pulumi up`.
 */
export function loadDeployableConfig(today: Date): StackConfig {
  const config = loadStackConfig();
  checkClusterAdmins(config.platform, config.clusterAdmins);
  checkPublicEndpoint(config.platform, config.clusterEndpointPublicAccess, config.clusterPublicAccessCidrs);
  if (config.platform === 'eks') {
    checkKubernetesSupport(config.kubernetesVersion, config.kubernetesExtendedSupport, today);
  }
  // Refused here, naming the keys, before anything is registered (the platforms size their pools with it).
  connectionBudget(config);
  return config;
}
