// Lints Dockerfiles: dockerfile-utils' validator (every problem it reports fails the lint), then Debian's
// shellcheck over each shell-form RUN instruction, as the POSIX sh that runs it in a Debian image.
//
// Usage: node --import tsx tools/container/lint-dockerfile.ts Dockerfile [more Dockerfiles...]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

function validatorProblems(file: string, content: string): string[] {
  return validate(content).map(
    (diagnostic) => `${file}:${diagnostic.range.start.line + 1}: ${diagnostic.message} (dockerfile-utils)`,
  );
}

function isShellForm(instruction: Instruction): boolean {
  return !instruction.getArgumentsContent()?.trimStart().startsWith('[');
}

function shellcheckProblems(file: string, content: string): string[] {
  const runs = DockerfileParser.parse(content)
    .getInstructions()
    .filter((instruction) => instruction.getKeyword() === 'RUN' && isShellForm(instruction));
  return runs.flatMap((run) => {
    const script = run.getArgumentsContent() ?? '';
    const result = spawnSync('shellcheck', ['--shell=sh', '--format=gcc', '-'], {
      input: script,
      encoding: 'utf8',
    });
    if (result.error) throw result.error;
    if (result.status === 0) return [];
    const line = run.getRange().start.line + 1;
    return [`${file}:${line}: shellcheck on this RUN instruction:\n${result.stdout.trimEnd()}`];
  });
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: lint-dockerfile.ts DOCKERFILE...');
  process.exit(2);
}
const problems = files.flatMap((file) => {
  const content = readFileSync(file, 'utf8');
  return [...validatorProblems(file, content), ...shellcheckProblems(file, content)];
});
for (const problem of problems) console.error(problem);
process.exit(problems.length > 0 ? 1 : 0);
