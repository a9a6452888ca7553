import { runProgram, type ProgramRun, type RunOptions } from './program';

export const image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/polls:v1.4.0';
export const deployerRole = 'arn:aws:iam::123456789012:role/ci/deployer';
export const operatorRole = 'arn:aws:iam::123456789012:role/operators';
/** Where the deployer reaches the cluster's public API from (a documentation address, RFC 5737). */
export const deployerAddress = '203.0.113.10/32';
export const loadBalancerHostname = 'a0123456789abcdef-0123456789abcdef.elb.eu-west-1.amazonaws.com';
export const site = { domain: 'polls.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };

/** Answers for the invokes and computed state only the eks platform needs. */
export const eksMocks: Pick<RunOptions, 'extraInvokes' | 'extraState'> = {
  extraInvokes: {
    'aws:lb/getHostedZoneId:getHostedZoneId': () => ({ id: 'Z2IFOLAFXWLO4F' }),
  },
  extraState: (args) =>
    args.type === 'kubernetes:networking.k8s.io/v1:Ingress'
      ? { status: { loadBalancer: { ingress: [{ hostname: loadBalancerHostname }] } } }
      : undefined,
};

export function runEks(
  stack: 'dev' | 'prod',
  config: RunOptions['config'] = {},
  previousOutputs?: RunOptions['previousOutputs'],
): Promise<ProgramRun> {
  return runProgram({
    stack,
    previousOutputs,
    // Without the CDN (prod's file turns it on) unless asked: test/cdn.test.ts has it.
    config: {
      platform: 'eks',
      image,
      clusterAdmins: [deployerRole, operatorRole],
      clusterPublicAccessCidrs: [deployerAddress],
      cdn: false,
      ...config,
    },
    ...eksMocks,
  });
}
