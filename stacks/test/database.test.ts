import assert from 'node:assert/strict';
import { newDatabaseIdentifier, postgresMajorVersion } from '../src/database';
import { identifierOfEndpoint } from '../src/last-deploy';
import { ec2Stack, testImage } from './support/ec2-stacks';
import { isSecretWrapper } from './support/inputs';
import { runProgram, type ProgramRun } from './support/program';

describe('database', () => {
  let dev: ProgramRun;
  let prod: ProgramRun;
  before(async () => {
    dev = await ec2Stack('dev');
    prod = await ec2Stack('prod');
  });
  const instance = (run: ProgramRun) => run.one('aws:rds/instance:Instance').inputs;

  it('runs the current PostgreSQL major version with its matching parameter family', () => {
    assert.equal(instance(dev).engine, 'postgres');
    assert.equal(instance(dev).engineVersion, postgresMajorVersion);
    assert.equal(
      dev.one('aws:rds/parameterGroup:ParameterGroup').inputs.family,
      `postgres${postgresMajorVersion}`,
    );
  });

  it('is not publicly accessible and lives in the private subnets', () => {
    for (const run of [dev, prod]) {
      assert.equal(instance(run).publiclyAccessible, false);
      const subnetIds = run.one('aws:rds/subnetGroup:SubnetGroup').inputs.subnetIds as string[];
      assert.ok(subnetIds.length >= 2);
      assert.ok(
        subnetIds.every((id) => /^polls-private-\d-id$/.test(id)),
        subnetIds.join(),
      );
    }
  });

  it('stores its data encrypted on gp3', () => {
    for (const run of [dev, prod]) {
      assert.equal(instance(run).storageEncrypted, true);
      assert.equal(instance(run).storageType, 'gp3');
    }
  });

  it('applies class, storage and multi-AZ changes during `pulumi up` unless polls:dbApplyImmediately is false', async () => {
    assert.equal(instance(dev).applyImmediately, true);
    assert.equal(instance(prod).applyImmediately, true);
    const deferred = await runProgram({
      stack: 'dev',
      config: { platform: 'ec2', image: testImage, dbApplyImmediately: false },
    });
    assert.equal(instance(deferred).applyImmediately, false);
  });

  it('forces TLS through its parameter group', () => {
    const parameters = dev.one('aws:rds/parameterGroup:ParameterGroup').inputs.parameters;
    assert.deepEqual(parameters, [{ name: 'rds.force_ssl', value: '1' }]);
    assert.equal(instance(dev).parameterGroupName, 'polls-db-params');
  });

  it('is multi-AZ, deletion-protected and snapshotted on delete in prod', () => {
    const inputs = instance(prod);
    assert.equal(inputs.multiAz, true);
    assert.equal(inputs.deletionProtection, true);
    assert.equal(inputs.skipFinalSnapshot, false);
    assert.match(String(inputs.finalSnapshotIdentifier), /^polls-prod-final-[0-9a-f]{8}$/);
    assert.equal(inputs.backupRetentionPeriod, 14);
  });

  it('is single-AZ and disposable in dev', () => {
    const inputs = instance(dev);
    assert.equal(inputs.multiAz, false);
    assert.equal(inputs.deletionProtection, false);
    assert.equal(inputs.skipFinalSnapshot, true);
    assert.equal(inputs.finalSnapshotIdentifier, undefined);
  });

  it('takes its master password as a Pulumi secret', () => {
    assert.ok(isSecretWrapper(instance(dev).password));
    assert.equal(instance(dev).manageMasterUserPassword, undefined);
  });

  it('admits PostgreSQL only from the service instances’ security group', () => {
    for (const run of [dev, prod]) {
      const rules = run
        .ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule')
        .filter((rule) => rule.inputs.securityGroupId === 'polls-db-sg-id');
      assert.equal(rules.length, 1);
      assert.deepEqual(
        [rules[0]!.inputs.fromPort, rules[0]!.inputs.toPort, rules[0]!.inputs.referencedSecurityGroupId],
        [5432, 5432, 'polls-instance-sg-id'],
      );
      assert.equal(rules[0]!.inputs.cidrIpv4, undefined);
      const group = run.named('polls-db-sg', 'aws:ec2/securityGroup:SecurityGroup');
      assert.equal(group.inputs.ingress, undefined);
    }
  });

  describe('log group', () => {
    const logGroup = (run: ProgramRun, identifier: string) =>
      run
        .ofType('aws:cloudwatch/logGroup:LogGroup')
        .find((group) => group.inputs.name === `/aws/rds/instance/${identifier}/postgresql`);

    it('names a new stack’s instance and creates the group RDS exports to before it, with a retention', () => {
      for (const [run, identifier, days] of [
        [dev, 'polls-dev', 7],
        [prod, 'polls-prod', 90],
      ] as const) {
        assert.equal(instance(run).identifier, identifier);
        const group = logGroup(run, identifier);
        assert.ok(group, `no log group for ${identifier}`);
        assert.equal(group.inputs.retentionInDays, days);
        assert.equal(group.importId, undefined);
        assert.ok(run.one('aws:rds/instance:Instance').dependsOn.includes(group.name));
      }
    });

    it('keeps the name of an instance deployed before and adopts the group RDS made for it', async () => {
      const deployed = 'polls-db-instance-4f2a9c1';
      const run = await runProgram({
        stack: 'dev',
        config: { platform: 'ec2', image: testImage, cdn: false },
        previousOutputs: { dbEndpoint: `${deployed}.abcdefghijkl.eu-west-1.rds.amazonaws.com:5432` },
      });
      assert.equal(instance(run).identifier, deployed);
      const group = logGroup(run, deployed);
      assert.ok(group, 'no log group for the deployed instance');
      assert.equal(group.importId, `/aws/rds/instance/${deployed}/postgresql`);
      assert.equal(group.inputs.retentionInDays, 7);
    });

    it('reads the identifier from an RDS endpoint, and nothing from anything else', () => {
      assert.equal(identifierOfEndpoint('polls-dev.c9akciq32.eu-west-1.rds.amazonaws.com:5432'), 'polls-dev');
      assert.equal(identifierOfEndpoint(''), undefined);
      assert.equal(identifierOfEndpoint('1abc.example.com'), undefined);
      assert.equal(identifierOfEndpoint('Polls.example.com'), undefined);
    });

    it('makes valid RDS identifiers of any stack name', () => {
      assert.equal(newDatabaseIdentifier('dev'), 'polls-dev');
      assert.equal(newDatabaseIdentifier('Team_A.staging'), 'polls-team-a-staging');
      assert.equal(newDatabaseIdentifier('--x--'), 'polls-x');
      const long = newDatabaseIdentifier(`${'a'.repeat(57)}-bcd`);
      assert.equal(long.length, 63);
      assert.match(long, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      // Cut at 63 characters, a hyphen left at the end goes too.
      assert.equal(newDatabaseIdentifier(`${'a'.repeat(56)}-bc`), `polls-${'a'.repeat(56)}`);
    });
  });
});
