/**
 * What an RDS instance class holds, so the database alarms are shares of its own size rather than fixed
 * numbers. Memory per class is AWS's published size of the burstable (t), general purpose (m) and memory
 * optimised (r) classes: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html
 */

const gib = 1024 ** 3;

/** Memory of the sizes below `large` (burstable classes only). */
const smallSizes: Record<string, number> = { micro: 1, small: 2, medium: 4 };
/** Memory of a `large` instance by family letter; each `xlarge` step doubles it. */
const largeSizes: Record<string, number> = { t: 8, m: 8, r: 16 };

function unknownClass(instanceClass: string): Error {
  return new Error(
    `polls:dbInstanceClass ${instanceClass} has no memory size in stacks/src/database-capacity.ts ` +
      '(t, m and r classes are known); the database alarms are shares of it: add the class there',
  );
}

/** The class's memory in GiB; throws, naming the key, for a class this table does not know. */
export function instanceClassMemoryGib(instanceClass: string): number {
  const match = /^db\.([tmr])\d+[a-z]*\.(micro|small|medium|large|(\d*)xlarge)$/.exec(instanceClass);
  if (!match) throw unknownClass(instanceClass);
  const [, family = '', size = '', multiple] = match;
  const small = smallSizes[size];
  if (small !== undefined) {
    if (family !== 't') throw unknownClass(instanceClass);
    return small;
  }
  const large = largeSizes[family]!;
  if (size === 'large') return large;
  return large * 2 * (multiple ? Number(multiple) : 1);
}

/**
 * RDS for PostgreSQL's default max_connections is LEAST(DBInstanceClassMemory / 9531392, 5000), where
 * DBInstanceClassMemory is the memory left after the operating system's share
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections).
 * That share is not published; 75% of the class's memory matches what small classes report (a db.t4g.micro
 * answers `SHOW max_connections` with about 80), so the estimate errs low and the alarm early.
 */
export function estimatedMaxConnections(memoryGib: number): number {
  return Math.min(Math.floor((memoryGib * gib * 0.75) / 9531392), 5000);
}

export function bytesOfGib(value: number): number {
  return value * gib;
}
