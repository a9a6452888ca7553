import assert from 'node:assert/strict';
import {
  connectionBudget,
  defaultPoolSize,
  rolloutSurge,
  superuserReservedConnections,
} from '../src/database-connections';
import { deployment } from '../src/k8s/deployment';
import { workloadSettings } from '../src/k8s/settings-from-config';
import { listenerSessions } from '../src/service-contract';
import { settingsFor } from './k8s-fixtures';
import { runProgram } from './support/program';

describe('database connections per process', () => {
  it("sizes dev's pools to the service's default: 6 instances at most in a refresh fit a db.t4g.micro", () => {
    const budget = connectionBudget({ platform: 'ec2', maxReplicas: 3, dbInstanceClass: 'db.t4g.micro' });
    // 1 GiB taken as 75% (database-capacity.ts): 84 connections, less the superusers' 3.
    assert.equal(budget.available, 84 - superuserReservedConnections);
    assert.deepEqual([budget.serving, budget.pools, budget.poolSize], [6, 6, defaultPoolSize]);
    assert.ok(budget.pools * budget.poolSize + budget.serving * listenerSessions <= budget.available);
  });

  it("sizes prod's pools to the default: 10 pods, 3 more in a rollout and the migration fit a db.t4g.medium", () => {
    const budget = connectionBudget({ platform: 'eks', maxReplicas: 10, dbInstanceClass: 'db.t4g.medium' });
    assert.deepEqual([budget.serving, budget.pools, budget.poolSize], [13, 14, defaultPoolSize]);
  });

  it('lowers the pool when the most replicas would not fit with the default', () => {
    const budget = connectionBudget({ platform: 'ec2', maxReplicas: 8, dbInstanceClass: 'db.t4g.micro' });
    assert.equal(budget.serving, 16);
    assert.equal(budget.poolSize, Math.floor((81 - 16 * listenerSessions) / 16));
    assert.ok(budget.pools * budget.poolSize + budget.serving * listenerSessions <= budget.available);
  });

  it('never raises the pool above the default on a large class', () => {
    assert.equal(
      connectionBudget({ platform: 'eks', maxReplicas: 4, dbInstanceClass: 'db.r7g.4xlarge' }).poolSize,
      defaultPoolSize,
    );
  });

  it('refuses, naming both keys, when not even two connections per pool fit', () => {
    assert.throws(
      () => connectionBudget({ platform: 'ec2', maxReplicas: 12, dbInstanceClass: 'db.t4g.micro' }),
      /^Error: polls:maxReplicas 12 on ec2 needs up to 24 database pools .* a db\.t4g\.micro accepts about 81 connections, not even 2 per pool: lower polls:maxReplicas or choose a larger polls:dbInstanceClass$/,
    );
  });

  it('counts the surge the platforms configure', async () => {
    assert.equal(
      deployment(settingsFor()).spec?.strategy?.rollingUpdate?.maxSurge,
      `${rolloutSurge.eksMaxSurgePercent}%`,
    );
    const run = await runProgram({
      stack: 'dev',
      config: { image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/polls:v1' },
    });
    const group = run.one('aws:autoscaling/group:Group').inputs as {
      instanceRefresh: { preferences: { maxHealthyPercentage: number } };
    };
    assert.equal(
      group.instanceRefresh.preferences.maxHealthyPercentage,
      rolloutSurge.ec2MaxHealthyPercentage,
    );
  });

  it('reaches the eks workload sized for its class (ec2-user-data.test.ts checks the instances)', () => {
    const config = {
      project: 'polls',
      stack: 'dev',
      minReplicas: 2,
      maxReplicas: 8,
      targetCpuUtilization: 60,
      vpcCidr: '10.0.0.0/16',
      dbInstanceClass: 'db.t4g.micro',
    };
    const sized = connectionBudget({ ...config, platform: 'eks' }).poolSize;
    assert.equal(workloadSettings(config, 'repo@sha256:0', false).databasePoolMax, sized);
  });
});
