// The decision for each kind of ref, as Markdown tables for docs/pipeline.md, computed by the real decide().
import { decide, type Decision } from './decide';
import { testedTag } from './registry-images';
import { RefusedInput, type JenkinsVariables } from './revision';

interface Example {
  kind: string;
  variables: Omit<JenkinsVariables, 'commit'>;
  /** Whether the commit is on main (true unless said). */
  onMain?: boolean;
}

const EXAMPLE_COMMIT = '0123456789abcdef0123456789abcdef01234567';

const DECIDED: Example[] = [
  { kind: 'pull request', variables: { changeId: '42', branchName: 'PR-42' } },
  { kind: 'feature branch', variables: { branchName: 'feature/login' } },
  { kind: 'main branch', variables: { branchName: 'main' } },
  { kind: 'release tag', variables: { tagName: 'v1.2.3', branchName: 'v1.2.3' } },
  { kind: 'pre-release tag', variables: { tagName: 'v1.2.3-rc.1', branchName: 'v1.2.3-rc.1' } },
  { kind: 'incomplete version tag', variables: { tagName: 'v1.2', branchName: 'v1.2' } },
  { kind: 'version with a leading zero', variables: { tagName: 'v01.2.3', branchName: 'v01.2.3' } },
  { kind: 'tag named main', variables: { tagName: 'main', branchName: 'main' } },
];

const REFUSED: Example[] = [
  { kind: 'nothing set', variables: {} },
  { kind: 'branch and tag disagree', variables: { branchName: 'main', tagName: 'v1.2.3' } },
  { kind: 'pull request and tag', variables: { changeId: '42', tagName: 'v1.2.3' } },
  { kind: 'malformed pull request', variables: { changeId: '42abc', branchName: 'PR-42abc' } },
  { kind: 'full ref path', variables: { branchName: 'refs/heads/main' } },
  {
    kind: 'release tag on a commit not on main',
    variables: { tagName: 'v1.2.4', branchName: 'v1.2.4' },
    onMain: false,
  },
];

const ENVIRONMENT_NAMES: Record<keyof Example['variables'], string> = {
  changeId: 'CHANGE_ID',
  branchName: 'BRANCH_NAME',
  tagName: 'TAG_NAME',
};

function jenkinsSets(variables: Example['variables']): string {
  const entries = Object.entries(variables) as [keyof Example['variables'], string][];
  const assignments = entries.map(([key, value]) => `${ENVIRONMENT_NAMES[key]}=${value}`);
  return assignments.length === 0 ? '(none)' : '`' + assignments.join(' ') + '`';
}

function decisionCells(decision: Decision): string[] {
  const built = decision.buildImage ? (decision.pushImage ? 'build, push' : 'build') : '—';
  const image = decision.promoteFrom ? `copy of the one tested on ${decision.promoteFrom}` : built;
  const tags = decision.imageTags
    .map((tag) => '`' + (tag === EXAMPLE_COMMIT ? '<commit>' : tag) + '`')
    .join(', ');
  const pulumi = decision.action === 'none' ? '—' : `${decision.action} ${decision.stack}`;
  return [
    decision.runChecks ? 'yes' : '—',
    image,
    tags || '—',
    decision.approval ? 'yes' : '—',
    pulumi,
    decision.recordTested ? '`' + testedTag('<commit>') + '`' : '—',
  ];
}

function decideExample({ variables, onMain = true }: Example): Decision {
  return decide({ ...variables, commit: EXAMPLE_COMMIT }, () => onMain);
}

function refusal(example: Example): string {
  try {
    decideExample(example);
  } catch (error) {
    if (error instanceof RefusedInput) return error.message;
    throw error;
  }
  throw new Error(`expected a refusal for ${example.kind}`);
}

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function renderTables(): string {
  const decided = DECIDED.map((example) => [
    example.kind,
    jenkinsSets(example.variables),
    ...decisionCells(decideExample(example)),
  ]);
  const refused = REFUSED.map((example) => [
    example.kind,
    jenkinsSets(example.variables),
    refusal(example).replaceAll(EXAMPLE_COMMIT, '<commit>'),
  ]);
  return [
    markdownTable(
      [
        'ref',
        'Jenkins sets',
        'lint + tests',
        'image',
        'image tags',
        'approval',
        'pulumi',
        'tag after the smoke check',
      ],
      decided,
    ),
    '',
    'Refused (exit status 2, one line on stderr):',
    '',
    markdownTable(['input', 'Jenkins sets', 'message'], refused),
    '',
  ].join('\n');
}
