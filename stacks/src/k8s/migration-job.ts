import { createHash } from 'node:crypto';
import type { IJob } from 'kubernetes-models/batch/v1';
import { migrateCommand } from '../service-contract';
import { serviceContainer, servicePodSpec } from './pod';
import { migrationResources } from './resources';
import { componentLabels, type WorkloadSettings } from './settings';

/**
 * The Job name carries a digest of the image, so each new image gets exactly one migration run (a Job's pod
 * template cannot change in place) and re-applying the same image is a no-op.
 */
export function migrationJobName(settings: WorkloadSettings): string {
  const digest = createHash('sha256').update(settings.image).digest('hex').slice(0, 10);
  return `${settings.appName}-migrate-${digest}`;
}

/** Runs the migrations once, before the Deployment rolls; the server pods never migrate. */
export function migrationJob(settings: WorkloadSettings): IJob {
  const labels = componentLabels(settings, 'migrate');
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: migrationJobName(settings), namespace: settings.namespace, labels },
    spec: {
      backoffLimit: 4,
      activeDeadlineSeconds: 900,
      template: {
        metadata: { labels },
        spec: servicePodSpec({
          restartPolicy: 'Never',
          containers: [
            serviceContainer(settings, {
              name: 'migrate',
              command: [...migrateCommand],
              resources: migrationResources,
            }),
          ],
        }),
      },
    },
  };
}
