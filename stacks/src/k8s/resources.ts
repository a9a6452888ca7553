import type { IResourceRequirements } from 'kubernetes-models/v1';

/**
 * Requests are what the HPA's CPU target is a percentage of; the memory limit equals the request so a leak
 * restarts one pod instead of starving the node.
 */
export const serverResources: IResourceRequirements = {
  requests: { cpu: '250m', memory: '256Mi' },
  limits: { cpu: '1', memory: '256Mi' },
};

export const migrationResources: IResourceRequirements = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
};
