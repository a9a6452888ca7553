import type {
  IContainer,
  IPodSecurityContext,
  IPodSpec,
  ISecurityContext,
  IVolume,
} from 'kubernetes-models/v1';
import { imageUser, secretEnvironment, serviceEnvironment } from '../service-contract';
import type { WorkloadSettings } from './settings';

/** The Secret the pods read DATABASE_URL and SESSION_KEYS from. */
export function appSecretName(settings: WorkloadSettings): string {
  return `${settings.appName}-app`;
}

const tmpVolume: IVolume = { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } };

/** Meets the `restricted` Pod Security Standard that the namespace enforces. */
const podSecurityContext: IPodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: imageUser.userId,
  runAsGroup: imageUser.groupId,
  fsGroup: imageUser.groupId,
  seccompProfile: { type: 'RuntimeDefault' },
};

const containerSecurityContext: ISecurityContext = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/** The service's environment for the server and the migration command; secrets come from the Secret by reference. */
function environment(settings: WorkloadSettings): IContainer['env'] {
  const secretName = appSecretName(settings);
  return [
    ...Object.entries(serviceEnvironment(settings)).map(([name, value]) => ({ name, value })),
    ...Object.values(secretEnvironment).map((name) => ({
      name,
      valueFrom: { secretKeyRef: { name: secretName, key: name } },
    })),
  ];
}

/** A container running the service image as its non-root user on a read-only root with a writable /tmp. */
export function serviceContainer(
  settings: WorkloadSettings,
  container: Pick<IContainer, 'name' | 'command' | 'resources'> & Partial<IContainer>,
): IContainer {
  return {
    image: settings.image,
    imagePullPolicy: 'IfNotPresent',
    securityContext: containerSecurityContext,
    volumeMounts: [{ name: tmpVolume.name, mountPath: '/tmp' }],
    ...container,
    env: environment(settings),
  };
}

/** Pod-level settings shared by the server and the migration Job. */
export function servicePodSpec(spec: Pick<IPodSpec, 'containers'> & Partial<IPodSpec>): IPodSpec {
  return {
    // The service never talks to the Kubernetes API, so it gets no token to leak.
    automountServiceAccountToken: false,
    securityContext: podSecurityContext,
    volumes: [tmpVolume],
    ...spec,
  };
}
