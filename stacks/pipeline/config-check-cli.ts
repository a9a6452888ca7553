// `npm run --silent check-config -w stacks -- --stack NAME`: exits 1 with one line when the committed stack
// file would be refused (config-check.ts).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkStackConfig } from './config-check';

try {
  const { values } = parseArgs({ options: { stack: { type: 'string' } } });
  if (!values.stack) throw new Error('--stack NAME is required');
  const config = checkStackConfig(resolve(__dirname, '../..'), values.stack, new Date());
  console.log(`Pulumi.${values.stack}.yaml: every key the ${config.platform} platform needs is set`);
} catch (error) {
  console.error(`check-config: ${(error as Error).message}`);
  process.exitCode = 1;
}
