import { parseArgs } from 'node:util';

export interface RunOptions {
  readonly votes: number;
  readonly concurrency: number;
  readonly rate: number | undefined;
  readonly deadlineSeconds: number;
  /** Also write the report to docs/scale-test.md. */
  readonly writeReport: boolean;
}

export const usage = `npm run scale-test [-- --votes N] [--concurrency N] [--rate N] [--deadline-seconds N] [--write-report]

  --votes N             votes to send (SCALE_VOTES; default 20000)
  --concurrency N       votes in flight at once (SCALE_CONCURRENCY; default 64)
  --rate N              at most N votes per second (SCALE_RATE; default: as fast as answered)
  --deadline-seconds N  stop sending after N s and fail (SCALE_DEADLINE_SECONDS; default 120 + votes/100)
  --write-report        also write the report to docs/scale-test.md`;

/** Flags win over the environment; a bad value is one line naming it. */
export function parseRunOptions(args: readonly string[], env: NodeJS.ProcessEnv): RunOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      votes: { type: 'string' },
      concurrency: { type: 'string' },
      rate: { type: 'string' },
      'deadline-seconds': { type: 'string' },
      'write-report': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const votes = whole('--votes', values.votes ?? env.SCALE_VOTES, 20_000, 100, 10_000_000);
  return {
    votes,
    concurrency: whole('--concurrency', values.concurrency ?? env.SCALE_CONCURRENCY, 64, 1, 1024),
    rate: optionalWhole('--rate', values.rate ?? env.SCALE_RATE, 1, 1_000_000),
    deadlineSeconds: whole(
      '--deadline-seconds',
      values['deadline-seconds'] ?? env.SCALE_DEADLINE_SECONDS,
      120 + Math.ceil(votes / 100),
      10,
      86_400,
    ),
    writeReport: values['write-report'] ?? false,
  };
}

function optionalWhole(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : whole(name, raw, 0, min, max);
}

function whole(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!(value >= min && value <= max))
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}
