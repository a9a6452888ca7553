/**
 * How many connections each service process may pool, so that at the most replicas, in the middle of a rollout,
 * the processes never ask RDS for more connections than it accepts: past that a new replica's connections are
 * refused ("remaining connection slots are reserved") just when the load made the autoscaler start it.
 */
import { estimatedMaxConnections, instanceClassMemoryGib } from './database-capacity';
import { listenerSessions } from './service-contract';

export interface ConnectionInputs {
  platform: 'ec2' | 'eks';
  maxReplicas: number;
  dbInstanceClass: string;
}

/** The service's own default pool (DATABASE_POOL_MAX, service/src/config.ts): never raised, only lowered. */
export const defaultPoolSize = 10;
/** Below two, one slow query holds up every request of its process. */
export const smallestPoolSize = 2;
/**
 * PostgreSQL keeps `superuser_reserved_connections` (3 by default) for superusers; on RDS that is rdsadmin,
 * not the stack's master user (https://www.postgresql.org/docs/current/runtime-config-connection.html).
 */
export const superuserReservedConnections = 3;

/**
 * The rollouts' surge, as the platforms configure it (a test holds these to what the program registers):
 * ec2's instance refresh keeps up to `maxHealthyPercentage` (200) of the desired capacity in service or
 * pending (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstanceMaintenancePolicy.html), each
 * new instance running its migration before it serves, in the same unit; eks's Deployment adds `maxSurge`
 * (25%, rounded up: https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-surge) pods,
 * and the image's migration Job runs beside them with a pool of its own.
 */
export const rolloutSurge = { ec2MaxHealthyPercentage: 200, eksMaxSurgePercent: 25 } as const;

export interface ConnectionBudget {
  /** What the class accepts for the service: the estimated max_connections less the superusers' share. */
  available: number;
  /** Processes with a pool at the peak: serving replicas in a rollout at the most replicas, and a migration. */
  pools: number;
  /** Serving processes, each holding its listener sessions beside the pool. */
  serving: number;
  /** DATABASE_POOL_MAX for every process. */
  poolSize: number;
}

function peakProcesses({ platform, maxReplicas }: ConnectionInputs): { serving: number; migrating: number } {
  if (platform === 'ec2') {
    return { serving: Math.ceil((maxReplicas * rolloutSurge.ec2MaxHealthyPercentage) / 100), migrating: 0 };
  }
  const surge = Math.ceil((maxReplicas * rolloutSurge.eksMaxSurgePercent) / 100);
  return { serving: maxReplicas + surge, migrating: 1 };
}

/**
 * The pool size every process gets: the service's default when the class has room for it, smaller when it
 * has not; refused, naming the keys, when not even {@link smallestPoolSize} fits. The class's max_connections
 * is estimated low (database-capacity.ts), so the budget errs on the safe side.
 */
export function connectionBudget(inputs: ConnectionInputs): ConnectionBudget {
  const available =
    estimatedMaxConnections(instanceClassMemoryGib(inputs.dbInstanceClass)) - superuserReservedConnections;
  const { serving, migrating } = peakProcesses(inputs);
  const pools = serving + migrating;
  const poolSize = Math.min(defaultPoolSize, Math.floor((available - serving * listenerSessions) / pools));
  if (poolSize < smallestPoolSize) {
    throw new Error(
      `polls:maxReplicas ${inputs.maxReplicas} on ${inputs.platform} needs up to ${pools} database pools ` +
        `(${serving} serving processes during a rollout, ${listenerSessions} listener sessions each` +
        `${migrating ? ', and the migration' : ''}), but a ${inputs.dbInstanceClass} accepts about ${available} ` +
        `connections, not even ${smallestPoolSize} per pool: lower polls:maxReplicas or choose a larger ` +
        'polls:dbInstanceClass',
    );
  }
  return { available, pools, serving, poolSize };
}
