import { revealed } from '../support/inputs';
import type { ProgramRun } from '../support/program';

const rdsInstance = 'aws:rds/instance:Instance';

/** The final snapshots RDS takes when `pulumi destroy` deletes the run's instances (their names in the state). */
export function finalSnapshotsOf(run: ProgramRun): string[] {
  return run.ofType(rdsInstance).flatMap((instance) => {
    const inputs = revealed(instance.inputs) as Record<string, unknown>;
    return inputs.skipFinalSnapshot === false ? [String(inputs.finalSnapshotIdentifier)] : [];
  });
}

/**
 * Why AWS would refuse `pulumi destroy` of a run, as the RDS API documents DeleteDBInstance: an instance with
 * deletion protection cannot be deleted ("You can't delete a DB instance … if it has deletion protection
 * enabled"), and a final snapshot name already taken fails with DBSnapshotAlreadyExists ("DBSnapshotIdentifier
 * is already used by an existing snapshot"). `taken` are the snapshots earlier destroys of the stack left.
 */
export function destroyRefusal(run: ProgramRun, taken: readonly string[]): string | undefined {
  for (const instance of run.ofType(rdsInstance)) {
    const inputs = revealed(instance.inputs) as Record<string, unknown>;
    if (inputs.deletionProtection === true) {
      return `DeleteDBInstance ${String(inputs.identifier)}: deletion protection is enabled`;
    }
  }
  const clash = finalSnapshotsOf(run).find((name) => taken.includes(name));
  return (
    clash && `DeleteDBInstance: DBSnapshotAlreadyExists (${clash} is already used by an existing snapshot)`
  );
}
