import { runProgram, type ProgramRun, type StackName } from './program';

export const testImage = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/polls:v1.2.3';
export const testSite = { domain: 'polls.example.com', hostedZoneId: 'Z0123456789EXAMPLE' };

const runs = new Map<StackName, Promise<ProgramRun>>();

/**
 * The dev or prod stack file with the platform forced to ec2 and an image to run, each run once per mocha
 * process. dev keeps its file's lack of a domain (plain HTTP); prod gets a domain (HTTPS), so both shapes
 * of the load balancer are covered. Both without the CDN (prod's file turns it on): test/cdn.test.ts has it.
 */
export function ec2Stack(stack: StackName): Promise<ProgramRun> {
  let run = runs.get(stack);
  if (!run) {
    const site = stack === 'prod' ? testSite : {};
    run = runProgram({ stack, config: { platform: 'ec2', image: testImage, cdn: false, ...site } });
    runs.set(stack, run);
  }
  return run;
}
