// Entry point of `npm run decide -w stacks`: runs the command on this process's arguments and environment.
import { runDecide } from './command';

const result = runDecide(process.argv.slice(2), process.env);
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.status;
