import type * as aws from '@pulumi/aws';

/**
 * Launch template settings every EC2 instance of the project shares (service instances, EKS nodes): IMDSv2
 * only, with a hop limit of 1 so containers behind a bridge or pod network cannot reach the instance role.
 */
export const imdsV2Only: aws.types.input.ec2.LaunchTemplateMetadataOptions = {
  httpEndpoint: 'enabled',
  httpTokens: 'required',
  httpPutResponseHopLimit: 1,
  instanceMetadataTags: 'disabled',
};

/** An encrypted gp3 root volume for Amazon Linux 2023 (its root device is /dev/xvda). */
export function encryptedRootVolume(sizeGb: number): aws.types.input.ec2.LaunchTemplateBlockDeviceMapping {
  return {
    deviceName: '/dev/xvda',
    ebs: { volumeSize: sizeGb, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
  };
}
