import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Architecture } from '../architecture';

/** The AMI the instances run and its architecture (the `machineImage` output). */
export interface RunningMachineImage {
  id: string;
  architecture: Architecture;
}

/** Which AMI a deploy uses: a given id, or the newest Amazon Linux 2023 that AWS publishes now. */
export type MachineImageChoice = { id: string } | { newest: Architecture };

/**
 * Chooses the instances' AMI so that a deploy never moves it by itself: `polls:machineImage` names one
 * (`ami-…`) or asks for the newest (`latest`); unset, the stack keeps the AMI it runs (the last deploy's
 * output), and takes the newest only when it runs none yet or the instance type changed architecture.
 * The newest comes from AWS's public SSM parameter, which moves with every AL2023 release: resolved on each
 * run, it would roll every instance at an unrelated `pulumi up`.
 */
export function chooseMachineImage(
  configured: string | undefined,
  running: RunningMachineImage | undefined,
  architecture: Architecture,
): MachineImageChoice {
  if (configured === 'latest') return { newest: architecture };
  if (configured !== undefined) return { id: configured };
  if (running !== undefined && running.architecture === architecture) return { id: running.id };
  return { newest: architecture };
}

/** The AMI id a choice stands for; the newest is read from `/aws/service/ami-amazon-linux-latest/`. */
export function machineImageId(choice: MachineImageChoice, parent: pulumi.Resource): pulumi.Output<string> {
  if ('id' in choice) return pulumi.output(choice.id);
  return aws.ssm.getParameterOutput(
    { name: `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${choice.newest}` },
    { parent },
  ).insecureValue;
}
