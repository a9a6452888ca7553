import type { IResourceRequirements } from 'kubernetes-models/v1';
import { serviceMemoryLimitsMiB } from '../service-contract';

/**
 * Requests are what the HPA's CPU target is a percentage of; the memory limit equals the request so a leak
 * restarts one pod instead of starving the node.
 */
export const serverResources: IResourceRequirements = {
  requests: { cpu: '250m', memory: `${serviceMemoryLimitsMiB.eks}Mi` },
  limits: { cpu: '1', memory: `${serviceMemoryLimitsMiB.eks}Mi` },
};

export const migrationResources: IResourceRequirements = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
};
