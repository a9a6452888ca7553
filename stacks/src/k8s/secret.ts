import type { ISecret } from 'kubernetes-models/v1';
import { secretEnvironment, type SecretValues } from '../service-contract';
import { appSecretName } from './pod';
import { commonLabels, type WorkloadSettings } from './settings';

/**
 * The Secret holding DATABASE_URL and SESSION_KEYS. Generic in the value type: Pulumi passes secret Outputs,
 * the renderer passes `${…}` placeholders, so no caller ever needs a literal secret here.
 */
export type AppSecret<Value> = Omit<ISecret, 'stringData'> & { stringData: Record<string, Value> };

export function appSecret<Value>(settings: WorkloadSettings, values: SecretValues<Value>): AppSecret<Value> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: appSecretName(settings),
      namespace: settings.namespace,
      labels: commonLabels(settings),
    },
    stringData: {
      [secretEnvironment.databaseUrl]: values.databaseUrl,
      [secretEnvironment.sessionKeys]: values.sessionKeys,
    },
  };
}
