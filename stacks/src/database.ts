import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { Tags } from './tags';

export interface DatabaseArgs {
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string>[];
  instanceClass: string;
  allocatedStorageGb: number;
  multiAz: boolean;
  backupRetentionDays: number;
  deletionProtection: boolean;
  /** Take a snapshot when the database is deleted (skipped for throwaway stacks). */
  finalSnapshot: boolean;
  tags: Tags;
}

/** How a client reaches the database; a Pulumi secret because it holds the password. */
export interface DatabaseConnection {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
}

/** PostgreSQL's current major version on RDS; the parameter group family follows it. */
export const postgresMajorVersion = '18';
export const postgresPort = 5432;
const databaseName = 'polls';
const masterUsername = 'polls';
/** Storage autoscaling headroom: RDS may grow the volume up to this multiple of the allocation. */
const storageGrowthFactor = 5;

/**
 * RDS PostgreSQL in the private subnets. Its security group admits nobody: each platform grants itself
 * access with a `SecurityGroupIngressRule` on `securityGroupId`, so the database never knows the platform.
 */
export class Database extends pulumi.ComponentResource {
  readonly endpoint: pulumi.Output<string>;
  /** The instance's name in RDS: the DBInstanceIdentifier dimension of its CloudWatch metrics. */
  readonly identifier: pulumi.Output<string>;
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly connection: pulumi.Output<DatabaseConnection>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:database:Database', name, {}, opts);
    const parent = { parent: this };
    const { tags } = args;

    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { subnetIds: args.privateSubnetIds, description: 'Private subnets of the polls database', tags },
      parent,
    );

    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      { vpcId: args.vpcId, description: 'polls database: ingress only from the platform', tags },
      parent,
    );

    // rds.force_ssl is on by default since PostgreSQL 15; set explicitly so a family default can't turn it off.
    const parameterGroup = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        family: `postgres${postgresMajorVersion}`,
        description: 'polls: TLS required',
        parameters: [{ name: 'rds.force_ssl', value: '1' }],
        tags,
      },
      parent,
    );

    // Generated here and held only in Pulumi's encrypted state: it reaches the service solely through the
    // app-secrets tier, never user data or plain outputs. URL-safe characters, so it needs no escaping.
    const password = new random.RandomPassword(`${name}-password`, { length: 40, special: false }, parent);

    const instance = new aws.rds.Instance(
      `${name}-instance`,
      {
        engine: 'postgres',
        engineVersion: postgresMajorVersion,
        allowMajorVersionUpgrade: false,
        autoMinorVersionUpgrade: true,
        instanceClass: args.instanceClass,
        allocatedStorage: args.allocatedStorageGb,
        maxAllocatedStorage: args.allocatedStorageGb * storageGrowthFactor,
        storageType: 'gp3',
        storageEncrypted: true,
        dbName: databaseName,
        username: masterUsername,
        password: pulumi.secret(password.result),
        port: postgresPort,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [securityGroup.id],
        parameterGroupName: parameterGroup.name,
        publiclyAccessible: false,
        multiAz: args.multiAz,
        backupRetentionPeriod: args.backupRetentionDays,
        deletionProtection: args.deletionProtection,
        skipFinalSnapshot: !args.finalSnapshot,
        finalSnapshotIdentifier: args.finalSnapshot ? `${name}-${pulumi.getStack()}-final` : undefined,
        copyTagsToSnapshot: true,
        enabledCloudwatchLogsExports: ['postgresql'],
        tags,
      },
      parent,
    );

    this.endpoint = instance.endpoint;
    this.identifier = instance.identifier;
    this.address = instance.address;
    this.port = instance.port;
    this.securityGroupId = securityGroup.id;
    this.connection = pulumi.secret(
      pulumi.all([instance.address, instance.port, password.result]).apply(([host, port, secret]) => ({
        host,
        port,
        database: databaseName,
        username: masterUsername,
        password: secret,
      })),
    );
    this.registerOutputs({ endpoint: this.endpoint, securityGroupId: this.securityGroupId });
  }
}
