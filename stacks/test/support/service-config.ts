import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** What the service's parser made of one environment: its Config, or the variable its ConfigError named. */
export type ParseResult = { config: Record<string, unknown> } | { rejected: string; message: string };

const serviceConfigModule = path.resolve(__dirname, '../../../service/src/config.ts');

// The service is ESM and the stacks CommonJS: its parser runs in a child process with tsx, as the service does.
const probe = `
import { readFileSync } from 'node:fs';
const { parseConfig, ConfigError } = await import(process.argv[1]);
const results = JSON.parse(readFileSync(0, 'utf8')).map((env) => {
  try {
    return { config: parseConfig(env) };
  } catch (error) {
    if (error instanceof ConfigError) return { rejected: error.variable, message: error.message };
    throw error;
  }
});
process.stdout.write(JSON.stringify(results));
`;

/** Runs service/src/config.ts's `parseConfig` on each environment, in one process. */
export function parseWithServiceConfig(environments: Record<string, string>[]): ParseResult[] {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', probe, serviceConfigModule],
    { input: JSON.stringify(environments), encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`the service's config parser failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as ParseResult[];
}
