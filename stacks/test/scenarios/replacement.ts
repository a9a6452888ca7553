/**
 * The inputs whose change makes the provider replace a resource (delete and re-create), per type, for the
 * stateful and serving resources: from the AWS provider's and Kubernetes' documentation of which fields
 * cannot be updated. A dotted key compares that nested field only.
 */
export const replacingInputs: Record<string, string[]> = {
  'aws:ec2/vpc:Vpc': ['cidrBlock'],
  'aws:ec2/subnet:Subnet': ['vpcId', 'cidrBlock', 'availabilityZone'],
  'aws:ec2/natGateway:NatGateway': ['subnetId', 'allocationId'],
  'aws:ec2/securityGroup:SecurityGroup': ['vpcId', 'description'],
  'aws:rds/instance:Instance': [
    'identifier',
    'engine',
    'dbName',
    'username',
    'dbSubnetGroupName',
    'storageEncrypted',
    'kmsKeyId',
  ],
  'aws:ecr/repository:Repository': ['name', 'encryptionConfigurations'],
  'aws:kms/key:Key': ['keyUsage', 'customerMasterKeySpec'],
  'aws:secretsmanager/secret:Secret': ['name'],
  'random:index/randomPassword:RandomPassword': ['length', 'special'],
  'aws:eks/cluster:Cluster': [
    'name',
    'roleArn',
    'vpcConfig.subnetIds',
    'encryptionConfig',
    'bootstrapSelfManagedAddons',
    'accessConfig.bootstrapClusterCreatorAdminPermissions',
  ],
  'aws:eks/nodeGroup:NodeGroup': [
    'clusterName',
    'nodeGroupName',
    'nodeRoleArn',
    'subnetIds',
    'amiType',
    'capacityType',
    'instanceTypes',
  ],
  'aws:eks/accessEntry:AccessEntry': ['clusterName', 'principalArn'],
  'aws:lb/loadBalancer:LoadBalancer': ['name', 'internal', 'loadBalancerType', 'subnets'],
  'aws:lb/targetGroup:TargetGroup': ['vpcId', 'port', 'protocol', 'targetType'],
  'kubernetes:core/v1:Namespace': ['metadata.name'],
  // A Job's pod template is immutable: any change re-creates it (a new image gives it a new name anyway).
  'kubernetes:batch/v1:Job': ['metadata.name', 'spec'],
  'kubernetes:apps/v1:Deployment': ['metadata.name', 'spec.selector'],
  'kubernetes:core/v1:Service': ['metadata.name'],
  'kubernetes:networking.k8s.io/v1:Ingress': ['metadata.name'],
  'kubernetes:helm.sh/v3:Release': ['name', 'namespace'],
};

/** What holds data or identity: never deleted or replaced outside `pulumi destroy`. */
export const statefulTypes = new Set([
  'aws:ec2/vpc:Vpc',
  'aws:ec2/subnet:Subnet',
  'aws:rds/instance:Instance',
  'aws:ecr/repository:Repository',
  'aws:kms/key:Key',
  'aws:secretsmanager/secret:Secret',
  'random:index/randomPassword:RandomPassword',
  'aws:eks/cluster:Cluster',
]);

/** What carries user traffic: never deleted outside `pulumi destroy` (updates and rolling replacements are fine). */
export const servingTypes = new Set([
  'aws:lb/loadBalancer:LoadBalancer',
  'aws:lb/listener:Listener',
  'aws:lb/targetGroup:TargetGroup',
  'aws:autoscaling/group:Group',
  'aws:eks/nodeGroup:NodeGroup',
  'kubernetes:helm.sh/v3:Release',
  'kubernetes:apps/v1:Deployment',
  'kubernetes:core/v1:Service',
  'kubernetes:networking.k8s.io/v1:Ingress',
]);
