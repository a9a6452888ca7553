// The Jenkinsfile must ask `decide` what to do and only read its answer: the mapping from refs to stacks is
// tested in one place (pipeline-decide.test.ts), and a second copy in Groovy would drift from it unseen.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decide, type Decision } from '../pipeline/decide';
import { renderTables } from '../pipeline/table';

const ROOT = path.resolve(__dirname, '../..');
const jenkinsfile = fs.readFileSync(path.join(ROOT, 'Jenkinsfile'), 'utf8');
// Whole-line comments may explain refs in prose; only code must stay free of ref logic.
const code = jenkinsfile
  .split('\n')
  .filter((line) => !line.trim().startsWith('//'))
  .join('\n');

const sample = decide({ branchName: 'main', commit: '3f9c2ab1d4e5f60718293a4b5c6d7e8f90a1b2c3' }, () => true);
const DECISION_FIELDS = Object.keys(sample) as (keyof Decision)[];
const STAGE_GATES: (keyof Decision)[] = [
  'runChecks',
  'buildImage',
  'pushImage',
  'promoteFrom',
  'approval',
  'recordTested',
];

function matchesOf(pattern: RegExp): RegExpMatchArray[] {
  return [...code.matchAll(pattern)];
}

describe('Jenkinsfile', () => {
  it('asks the decide command and reads its JSON answer', () => {
    assert.match(code, /sh\(script: 'npm run --silent decide -w stacks', returnStdout: true\)/);
    assert.match(code, /decision = readJSON\(text: json\)/);
    const stacksPackage = JSON.parse(fs.readFileSync(path.join(ROOT, 'stacks/package.json'), 'utf8'));
    assert.equal(stacksPackage.scripts.decide, 'tsx pipeline/cli.ts');
  });

  it('never reads the variables that name the ref being built, but for the one guard of its own', () => {
    const refVariables = matchesOf(
      /\b(?:BRANCH_NAME|BRANCH_IS_PRIMARY|TAG_\w+|CHANGE_\w+|GIT_BRANCH|GIT_COMMIT)\b/g,
    );
    assert.deepEqual(
      refVariables.map((match) => match[0]),
      ['CHANGE_ID'],
    );
  });

  // The decision comes from the code being built, a pull request's own: the Jenkinsfile, which Jenkins takes from
  // the target branch for untrusted forks, must refuse that build every credential whatever the decision says.
  it('binds every credential through the guard that refuses pull requests', () => {
    assert.match(code, /def credentialsFor\(List bindings\) \{\n\s+if \(env\.CHANGE_ID\) \{\n\s+error\(/);
    const bindings = matchesOf(/withCredentials\((\w+)\(/g).map((match) => match[1]);
    assert.ok(bindings.length >= 4);
    for (const binding of bindings)
      assert.ok(['credentialsFor', 'cloudCredentials'].includes(binding ?? ''), binding);
    assert.match(code, /def cloudCredentials[^}]*return credentialsFor\(\[/);
  });

  it('has no ref conditions or ref patterns of its own', () => {
    const forbidden: Array<[RegExp, string]> = [
      [/^\s*(?:branch|tag)\b|when\s*\{[^\n]*\b(?:branch|tag)\s/m, 'a branch or tag condition'],
      [/\b(?:buildingTag|changeRequest|changelog|changeset)\b/, 'a ref-based when condition'],
      [/==~|=~|\.matches\(|\.startsWith\(|\.endsWith\(/, 'a pattern match'],
      [/['"](?:refs\/|main['"]|master['"])/, 'a branch name'],
      [/['"]\^?v(?:\*|\d|\[|\\d|\()/, 'a version tag pattern'],
    ];
    for (const [pattern, what] of forbidden) {
      assert.doesNotMatch(code, pattern, `the Jenkinsfile contains ${what}`);
    }
  });

  it('gates every conditional stage on a field of the decision, and on nothing else', () => {
    const whens = matchesOf(/^\s*when\b.*$/gm).map((match) => match[0].trim());
    assert.ok(whens.length >= 8, `expected a when per conditional stage, found ${whens.length}`);
    for (const when of whens) {
      assert.match(when, /^when \{ expression \{ decision\.\w+(?: [=!]= '[\w-]+')? \} \}$/, when);
    }
  });

  it('reads only fields the decision has, comparing them with values they can take', () => {
    for (const [, field] of matchesOf(/\bdecision\.(\w+)/g)) {
      assert.ok(DECISION_FIELDS.includes(field as keyof Decision), `decision.${field} does not exist`);
    }
    for (const [, value] of matchesOf(/decision\.action [=!]= '([\w-]+)'/g)) {
      assert.ok(['preview', 'up', 'none'].includes(value as string), `no action is called '${value}'`);
    }
  });

  it('has a stage for every step the decision can ask for', () => {
    for (const gate of STAGE_GATES) {
      assert.match(code, new RegExp(`when \\{ expression \\{ decision\\.${gate} \\} \\}`), gate);
    }
    for (const action of ['preview', 'up']) {
      assert.match(
        code,
        new RegExp(`when \\{ expression \\{ decision\\.action == '${action}' \\} \\}`),
        action,
      );
    }
  });

  it('keeps the safeguards the design asks for', () => {
    for (const required of [
      /timestamps\(\)/,
      /timeout\(time: \d+, unit: 'MINUTES'\)/,
      /buildDiscarder\(/,
      /disableConcurrentBuilds\(\)/,
      /junit testResults:/,
      /input message:/,
      /pulumiWithImage\(decision, 'preview'\)/,
      /pulumiWithImage\(decision, 'up --yes'\)/,
      /image=\$\{DEPLOY_IMAGE:-\$\(pulumi stack output repositoryUrl --stack "\$POLLS_STACK"\):\$COMMIT\}/,
      /--config "polls:image=\$image"/,
      /image -w stacks -- push --stack "\$POLLS_STACK"/,
      /image -w stacks -- find-tested --stack "\$PROMOTE_FROM" --commit "\$COMMIT"/,
      /image -w stacks -- promote --stack "\$POLLS_STACK"/,
      /image -w stacks -- record-tested --stack "\$POLLS_STACK" --commit "\$COMMIT"/,
      /decide -w stacks -- --check-release-on-main/,
      /npm run --silent check-config -w stacks -- --stack "\$POLLS_STACK"/,
      /npm run --silent smoke -w stacks -- --url "\$url" --revision "\$COMMIT"/,
      /npm run --silent rollout -w stacks -- --stack "\$POLLS_STACK" --since "\$DEPLOY_STARTED" \\\n\s+--previous-image "\$PREVIOUS_IMAGE"/,
      /env\.PREVIOUS_IMAGE = sh\(\s+script: 'pulumi stack output image --stack "\$POLLS_STACK" 2>\/dev\/null \|\| true'/,
      /cleanWs\(\)/,
    ]) {
      assert.match(code, required);
    }
    // Secrets reach the shell through the environment: a double-quoted sh script would let Groovy paste them in.
    assert.doesNotMatch(code, /\bsh\s*(?:\(script:\s*)?"/);
    assert.doesNotMatch(code, /\blatest\b/);
  });
});

describe('docs/pipeline.md', () => {
  it('shows the table the decide command prints now', () => {
    const docs = fs.readFileSync(path.join(ROOT, 'docs/pipeline.md'), 'utf8');
    const table = /<!-- npm run decide -w stacks -- --table -->\n([\s\S]*?)\n<!-- end of table -->/.exec(
      docs,
    );
    assert.ok(table, 'docs/pipeline.md has lost its table markers');
    assert.equal(
      table[1]?.trim(),
      renderTables().trim(),
      'run `npm run decide -w stacks -- --table` and paste it',
    );
  });
});
