import assert from 'node:assert/strict';
import * as pulumi from '@pulumi/pulumi';
import { loadStackConfig } from '../src/config';
import { Monitoring } from '../src/observability/monitoring';
import { mockArn, mockInvokes, mockResourceState } from './support/mock-aws';
import { handToProgram } from './support/program';

interface Created {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** The Monitoring tier alone, as the CDN's stack will wire it: with a distribution id. */
async function monitoringWithCdn(): Promise<Created[]> {
  const created: Created[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        return mockResourceState(args);
      },
      call: (args) => mockInvokes[args.token]?.(args.inputs as Record<string, unknown>) ?? {},
    },
    'polls',
    'prod',
  );
  handToProgram('prod', {
    alertEmails: ['oncall@example.com'],
    clusterAdmins: ['arn:aws:iam::123456789012:role/admin'],
    domain: 'polls.example.com',
    hostedZoneId: 'Z0123456789EXAMPLE',
  });
  new Monitoring('polls-monitoring', {
    config: loadStackConfig(),
    databaseIdentifier: pulumi.output('polls-db-instance'),
    platform: {
      kind: 'eks',
      clusterName: pulumi.output('polls-prod'),
      loadBalancer: pulumi.output('net/a0123456789abcdef/0123456789abcdef'),
      namespace: 'polls',
      serviceName: 'polls',
      accessLog: {
        logGroupName: '/aws/containerinsights/polls-prod/application',
        fieldPrefix: 'log_processed.',
      },
    },
    cdnDistributionId: 'E2EXAMPLE',
    tags: {},
  });
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return created;
}

describe('monitoring with a CDN in front', () => {
  let created: Created[];
  before(async () => (created = await monitoringWithCdn()));

  it('alarms on the distribution’s 5xx rate in us-east-1, notifying a topic of that region with the same subscribers', () => {
    const alarm = created.find((resource) => resource.name === 'polls-monitoring-cdn-5xx')!;
    assert.equal(alarm.inputs.region, 'us-east-1');
    assert.deepEqual(alarm.inputs.dimensions, { DistributionId: 'E2EXAMPLE', Region: 'Global' });
    const topic = created.find((resource) => resource.name === 'polls-monitoring-cdn-alerts')!;
    assert.equal(topic.inputs.region, 'us-east-1');
    assert.deepEqual(alarm.inputs.alarmActions, [mockArn(topic.type, topic.name)]);
    const subscription = created.find(
      (resource) => resource.name === 'polls-monitoring-cdn-email-oncall@example.com',
    )!;
    assert.equal(subscription.inputs.region, 'us-east-1');
  });
});
