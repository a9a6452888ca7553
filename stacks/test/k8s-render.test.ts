import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { semanticProblems, type LooseObject } from '../src/k8s/checks';
import { renderFiles, secretTemplateFile } from '../src/k8s/render';
import { schemaProblems } from '../src/k8s/schema';
import { workloadFor } from './k8s-fixtures';

function parseFiles(files: Map<string, string>): LooseObject[] {
  return [...files.values()].flatMap((text) =>
    parseAllDocuments(text).map((document) => {
      assert.deepEqual(document.errors, []);
      return document.toJS() as LooseObject;
    }),
  );
}

describe('k8s YAML rendering', () => {
  it('writes YAML that passes the Kubernetes schemas and the semantic checks', () => {
    const objects = parseFiles(renderFiles(workloadFor()));
    assert.equal(objects.length, 13);
    assert.deepEqual(schemaProblems(objects), []);
    assert.deepEqual(semanticProblems(objects), []);
  });

  it('orders the files so the namespace comes first and the Ingress last', () => {
    const names = [...renderFiles(workloadFor()).keys()].filter((name) => name.endsWith('.yaml')).sort();
    assert.deepEqual(names, [
      '00-namespace.yaml',
      '10-network-policies.yaml',
      '20-migration-job.yaml',
      '30-web.yaml',
      '40-ingress.yaml',
    ]);
  });

  it('writes the Secret only as a template of environment placeholders that kubectl apply -f skips', () => {
    const files = renderFiles(workloadFor());
    const secrets = [...files].filter(([, text]) => /^kind: "?Secret"?$/m.test(text)).map(([name]) => name);
    assert.deepEqual(secrets, [secretTemplateFile]);
    assert.ok(!secretTemplateFile.endsWith('.yaml'));
    const secret = parseFiles(
      new Map([[secretTemplateFile, files.get(secretTemplateFile)!]]),
    )[0] as LooseObject & { stringData: object };
    assert.deepEqual(secret.stringData, {
      DATABASE_URL: '${POLLS_DATABASE_URL}',
      SESSION_KEYS: '${POLLS_SESSION_KEYS}',
    });
  });

  it('writes no YAML anchors, which kubectl users would find hard to edit', () => {
    for (const text of renderFiles(workloadFor()).values()) assert.doesNotMatch(text, /[&*]a\d+/);
  });
});

describe('npm run render:k8s', function () {
  this.timeout(60_000);
  let out: string;
  beforeEach(() => (out = mkdtempSync(join(tmpdir(), 'polls-render-'))));
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  const render = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/k8s/render-cli.ts', ...args], {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
    });

  it('renders a stack file with an image into the output directory', () => {
    const result = render('--stack', 'prod', '--image', 'registry.example.com/polls:v2.0.0', '--out', out);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(readdirSync(out).sort(), [
      '00-namespace.yaml',
      '10-network-policies.yaml',
      '20-migration-job.yaml',
      '30-web.yaml',
      '40-ingress.yaml',
      secretTemplateFile,
    ]);
    const web = readFileSync(join(out, '30-web.yaml'), 'utf8');
    assert.match(web, /image: registry\.example\.com\/polls:v2\.0\.0/);
    // prod's file has the CDN on; the plain YAML is not behind it, so the service trusts one hop.
    assert.match(web, /- name: TRUST_PROXY\n\s+value: "1"/);
    assert.match(result.stdout, /kubectl -n polls wait --for=condition=complete/);
  });

  it('refuses a stack without an image, naming the key', () => {
    const result = render('--stack', 'dev', '--out', out);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /polls:image is not set in Pulumi\.dev\.yaml/);
    assert.deepEqual(readdirSync(out), []);
  });
});
