import assert from 'node:assert/strict';
import { tlsPolicy } from '../src/certificate';
import { healthCheckGraceSeconds, metricEventRetentionDays } from '../src/ec2/platform';
import { sessionManagerPolicyArn } from '../src/ec2/instance-role';
import { drainSeconds } from '../src/service-contract';
import { testSite, ec2Stack } from './support/ec2-stacks';
import { decodedUserData, plainStrings } from './support/inputs';
import { mockAmiId, mockArn, mockSecretMarker } from './support/mock-aws';
import type { ProgramRun, RecordedResource } from './support/program';

interface PolicyStatement {
  Sid: string;
  Action: string[];
  Resource: string | string[];
}

const targetGroupArn = mockArn('aws:lb/targetGroup:TargetGroup', 'polls-lb-tg');

function ingressRules(run: ProgramRun, securityGroupId: string): RecordedResource[] {
  return run
    .ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule')
    .filter((rule) => rule.inputs.securityGroupId === securityGroupId);
}

for (const stack of ['dev', 'prod'] as const) {
  describe(`ec2 platform (${stack} config)`, () => {
    let run: ProgramRun;
    before(async () => (run = await ec2Stack(stack)));
    const group = () => run.one('aws:autoscaling/group:Group').inputs;
    const template = () => run.one('aws:ec2/launchTemplate:LaunchTemplate').inputs;

    it('runs the instances in the private subnets of every zone', () => {
      const subnets = group().vpcZoneIdentifiers as string[];
      const privateSubnets = run
        .ofType('aws:ec2/subnet:Subnet')
        .filter((subnet) => subnet.name.includes('private'));
      assert.deepEqual(
        subnets,
        privateSubnets.map((subnet) => `${subnet.name}-id`),
      );
      assert.equal(privateSubnets.length, stack === 'prod' ? 3 : 2);
    });

    it('sizes the group and its CPU target-tracking policy from the config', () => {
      const expected = stack === 'prod' ? [3, 10] : [2, 3];
      assert.deepEqual([group().minSize, group().maxSize], expected);
      const policy = run.one('aws:autoscaling/policy:Policy').inputs;
      assert.equal(policy.policyType, 'TargetTrackingScaling');
      assert.deepEqual(policy.targetTrackingConfiguration, {
        predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
        targetValue: 60,
      });
      assert.equal(policy.autoscalingGroupName, 'polls-asg');
    });

    it('creates the group only after the listener that forwards to its targets', () => {
      const forwarding = stack === 'prod' ? 'polls-lb-https' : 'polls-lb-http';
      assert.ok(run.one('aws:autoscaling/group:Group').dependsOn.includes(forwarding));
      const listener = run.named(forwarding, 'aws:lb/listener:Listener').inputs;
      assert.deepEqual(listener.defaultActions, [{ type: 'forward', targetGroupArn }]);
    });

    it('replaces instances that fail the load balancer health check, after a boot grace period', () => {
      assert.equal(group().healthCheckType, 'ELB');
      assert.equal(group().healthCheckGracePeriod, healthCheckGraceSeconds);
      assert.deepEqual(group().targetGroupArns, [targetGroupArn]);
    });

    it('rolls a new launch template version out by instance refresh, never below the minimum', () => {
      const refresh = group().instanceRefresh as { strategy: string; preferences: Record<string, unknown> };
      assert.equal(refresh.strategy, 'Rolling');
      assert.equal(refresh.preferences.minHealthyPercentage, 100);
      assert.ok(Number(refresh.preferences.maxHealthyPercentage) > 100);
      assert.deepEqual(group().launchTemplate, { id: 'polls-lt-id', version: '1' });
      // AWS's rollback would return to the version the provider already moved the group to (#34189).
      assert.equal(refresh.preferences.autoRollback, false);
    });

    it('launches the current Amazon Linux 2023 image, looked up from AWS’s public parameter', () => {
      assert.equal(template().imageId, mockAmiId);
    });

    it('requires IMDSv2 with a hop limit of one', () => {
      assert.deepEqual(template().metadataOptions, {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: 'disabled',
      });
    });

    it('encrypts the root volume', () => {
      const [mapping] = template().blockDeviceMappings as { ebs: Record<string, unknown> }[];
      assert.equal(mapping?.ebs.encrypted, 'true');
      assert.equal(mapping?.ebs.volumeType, 'gp3');
    });

    it('has no key pair and no port 22 open anywhere; access is by Session Manager', () => {
      assert.equal(template().keyName, undefined);
      const rules = run.ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule');
      for (const rule of rules) {
        const from = Number(rule.inputs.fromPort);
        const to = Number(rule.inputs.toPort);
        assert.ok(!(from <= 22 && 22 <= to), `${rule.name} opens port 22`);
        assert.notEqual(rule.inputs.ipProtocol, '-1', `${rule.name} opens every port`);
      }
      const attachment = run.one('aws:iam/rolePolicyAttachment:RolePolicyAttachment').inputs;
      assert.equal(attachment.policyArn, sessionManagerPolicyArn);
    });

    it('admits traffic to the instances only from the load balancer’s security group, on the service port', () => {
      const rules = ingressRules(run, 'polls-instance-sg-id');
      assert.equal(rules.length, 1);
      assert.deepEqual(
        [rules[0]!.inputs.fromPort, rules[0]!.inputs.toPort, rules[0]!.inputs.referencedSecurityGroupId],
        [3000, 3000, 'polls-lb-sg-id'],
      );
      assert.deepEqual(template().vpcSecurityGroupIds, ['polls-instance-sg-id']);
    });

    it('lets the instances out only to HTTPS and the database', () => {
      const egress = run
        .ofType('aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule')
        .filter((rule) => rule.inputs.securityGroupId === 'polls-instance-sg-id')
        .map((rule) => [rule.inputs.fromPort, rule.inputs.cidrIpv4 ?? rule.inputs.referencedSecurityGroupId]);
      assert.deepEqual(egress, [
        [443, '0.0.0.0/0'],
        [5432, 'polls-db-sg-id'],
      ]);
    });

    it('probes /readyz and drains leaving instances for longer than the service takes to stop', () => {
      const targetGroup = run.one('aws:lb/targetGroup:TargetGroup').inputs;
      const healthCheck = targetGroup.healthCheck as Record<string, unknown>;
      assert.equal(healthCheck.path, '/readyz');
      assert.equal(healthCheck.matcher, '200');
      assert.equal(targetGroup.port, 3000);
      assert.ok((targetGroup.deregistrationDelay as number) > drainSeconds);
    });

    it('puts the load balancer in the public subnets, dropping malformed headers', () => {
      const loadBalancer = run.one('aws:lb/loadBalancer:LoadBalancer').inputs;
      assert.equal(loadBalancer.internal, false);
      assert.ok((loadBalancer.subnets as string[]).every((id) => /^polls-public-\d-id$/.test(id)));
      assert.equal(loadBalancer.dropInvalidHeaderFields, true);
    });

    it('lets the instances write their service logs and the CloudWatch agent’s metric events, nothing else', () => {
      const document = JSON.parse(String(run.one('aws:iam/rolePolicy:RolePolicy').inputs.policy)) as {
        Statement: PolicyStatement[];
      };
      const logs = document.Statement.find((statement) => statement.Sid === 'WriteServiceLogs')!;
      const group = (name: string) => mockArn('aws:cloudwatch/logGroup:LogGroup', name);
      assert.deepEqual(logs.Resource, [
        group('polls-logs'),
        `${group('polls-logs')}:*`,
        group('polls-metrics-logs'),
        `${group('polls-metrics-logs')}:*`,
      ]);
      const metrics = run.named('polls-metrics-logs', 'aws:cloudwatch/logGroup:LogGroup').inputs;
      assert.equal(metrics.name, `/polls/${stack}/metrics`);
      assert.equal(metrics.retentionInDays, metricEventRetentionDays);
    });

    it('grants the instance role only its repository, its secret, its log groups and Session Manager', () => {
      const document = JSON.parse(String(run.one('aws:iam/rolePolicy:RolePolicy').inputs.policy)) as {
        Statement: PolicyStatement[];
      };
      const grants = Object.fromEntries(document.Statement.map((statement) => [statement.Sid, statement]));
      assert.deepEqual(Object.keys(grants), [
        'RegistryLogin',
        'PullServiceImage',
        'ReadAppSecrets',
        'WriteServiceLogs',
      ]);
      assert.match(
        String(grants.PullServiceImage!.Resource),
        /:aws:ecr\/repository:Repository\/polls-repository$/,
      );
      assert.match(String(grants.ReadAppSecrets!.Resource), /:secret:polls-app-version-AbCdEf$/);
      assert.deepEqual(grants.ReadAppSecrets!.Action, ['secretsmanager:GetSecretValue']);
      for (const statement of document.Statement) {
        assert.ok(
          statement.Action.every((action) => !action.includes('*')),
          `${statement.Sid} has a wildcard action`,
        );
        if (statement.Sid !== 'RegistryLogin') assert.notEqual(statement.Resource, '*');
      }
      const trust = JSON.parse(String(run.one('aws:iam/role:Role').inputs.assumeRolePolicy)) as {
        Statement: { Principal: unknown }[];
      };
      assert.deepEqual(trust.Statement[0]!.Principal, { Service: 'ec2.amazonaws.com' });
    });

    it('ships the service logs to a log group with retention', () => {
      const logGroup = run.named('polls-logs', 'aws:cloudwatch/logGroup:LogGroup').inputs;
      assert.equal(logGroup.name, `/polls/${stack}/service`);
      assert.equal(logGroup.retentionInDays, stack === 'prod' ? 90 : 7);
      assert.match(decodedUserData(template()), new RegExp(`awslogs-group="\\$LOG_GROUP"`));
      assert.match(decodedUserData(template()), new RegExp(`LOG_GROUP='/polls/${stack}/service'`));
    });

    it('fetches secrets at boot through the role and runs the migrations before the service', () => {
      const script = decodedUserData(template());
      assert.match(script, /SECRET_ID='arn:aws:secretsmanager:[^']+:secret:polls-app-version-AbCdEf'/);
      assert.match(script, /aws secretsmanager get-secret-value/);
      const migrate = script.indexOf('node service/dist/bin/migrate.js');
      const serve = script.indexOf('node service/dist/bin/serve.js');
      assert.ok(migrate > 0 && serve > migrate);
      assert.match(script, /IMAGE='123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/polls:v1\.2\.3'/);
    });

    it('puts no secret in user data, plain inputs or stack outputs', () => {
      assert.ok(!decodedUserData(template()).includes(mockSecretMarker));
      for (const resource of run.resources) {
        const leaks = plainStrings(resource.inputs).filter((text) => text.includes(mockSecretMarker));
        assert.deepEqual(leaks, [], `${resource.name} holds a secret outside a Pulumi secret`);
      }
      for (const [key, output] of Object.entries(run.outputs)) {
        if (!output.secret) assert.ok(!JSON.stringify(output.value).includes(mockSecretMarker), key);
      }
    });

    it('creates nothing of the eks platform', () => {
      const eksTypes = run.resources.filter((resource) =>
        /^(aws:eks\/|kubernetes:|polls:eks:|polls:k8s:)/.test(resource.type),
      );
      assert.deepEqual(eksTypes, []);
      assert.equal(run.outputs.kubeconfig, undefined);
    });

    it('outputs the platform, the database endpoint and the site URL', () => {
      assert.equal(run.outputs.platform?.value, 'ec2');
      assert.match(String(run.outputs.dbEndpoint?.value), /\.rds\.amazonaws\.com:5432$/);
      const url =
        stack === 'prod'
          ? `https://${testSite.domain}`
          : 'http://polls-lb-alb-1234567890.eu-west-1.elb.amazonaws.com';
      assert.deepEqual(run.outputs.url, { value: url, secret: false });
    });
  });
}

describe('ec2 load balancer listeners', () => {
  it('serve plain HTTP on port 80 when no domain is set', async () => {
    const run = await ec2Stack('dev');
    const listeners = run.ofType('aws:lb/listener:Listener').map((listener) => listener.inputs);
    assert.equal(listeners.length, 1);
    assert.equal(listeners[0]!.port, 80);
    assert.deepEqual(listeners[0]!.defaultActions, [{ type: 'forward', targetGroupArn }]);
    assert.equal(run.ofType('aws:acm/certificate:Certificate').length, 0);
    const openPorts = ingressRules(run, 'polls-lb-sg-id').map((rule) => rule.inputs.fromPort);
    assert.deepEqual(openPorts, [80]);
  });

  it('with a domain, serve HTTPS with a DNS-validated certificate and a TLS 1.3 policy, and redirect HTTP', async () => {
    const run = await ec2Stack('prod');
    const [https, http] = ['polls-lb-https', 'polls-lb-http'].map((name) => run.named(name).inputs);
    assert.equal(https!.protocol, 'HTTPS');
    assert.equal(https!.sslPolicy, tlsPolicy);
    // The listener takes the certificate from its validation, so it waits until the certificate is issued.
    assert.equal(https!.certificateArn, mockArn('aws:acm/certificate:Certificate', 'polls-lb-tls-cert'));
    assert.ok(run.named('polls-lb-https').dependencies.includes('polls-lb-tls-validated'));
    assert.deepEqual(https!.defaultActions, [{ type: 'forward', targetGroupArn }]);
    assert.deepEqual(http!.defaultActions, [
      { type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } },
    ]);
    const certificate = run.one('aws:acm/certificate:Certificate').inputs;
    assert.deepEqual([certificate.domainName, certificate.validationMethod], [testSite.domain, 'DNS']);
    const validation = run.named('polls-lb-tls-validation', 'aws:route53/record:Record').inputs;
    assert.equal(validation.zoneId, testSite.hostedZoneId);
    assert.equal(validation.type, 'CNAME');
    const alias = run.named('polls-lb-alias', 'aws:route53/record:Record').inputs;
    assert.deepEqual([alias.name, alias.type, alias.zoneId], [testSite.domain, 'A', testSite.hostedZoneId]);
    const openPorts = ingressRules(run, 'polls-lb-sg-id').map((rule) => rule.inputs.fromPort);
    assert.deepEqual(openPorts, [80, 443]);
  });
});
