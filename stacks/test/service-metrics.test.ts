import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { selectorLabels } from '../src/k8s/settings';
import {
  emfProcessor,
  exportedServiceMetrics,
  instanceScrapeConfig,
  podScrapeConfig,
  scrapeJob,
} from '../src/observability/service-metrics';
import { healthPaths, METRICS_PORT } from '../src/service-contract';
import { settingsFor } from './k8s-fixtures';

const testSettings = settingsFor();

interface ScrapeJob {
  job_name: string;
  metrics_path: string;
  static_configs?: { targets: string[] }[];
  relabel_configs?: Relabel[];
}
interface Relabel {
  source_labels: string[];
  regex?: string;
  target_label?: string;
  replacement?: string;
  action: 'keep' | 'replace';
}

const serviceMetricsDir = path.resolve(__dirname, '../../service/src/metrics');

// The service is ESM: its metrics and the app of its internal metrics port run in a child process with tsx,
// as the service serves them. Pool gauges read 0 without a pool; one vote and one vote batch are counted so
// the counters have series.
const serveMetrics = `
const { createMetrics } = await import(process.argv[1] + '/metrics.ts');
const { metricsApp } = await import(process.argv[1] + '/metrics-server.ts');
const metrics = createMetrics({ client: {} });
metrics.countVote('counted');
metrics.countVoteBatch(1);
const server = metricsApp(metrics).listen(0, '127.0.0.1', () =>
  process.stdout.write(String(server.address().port) + '\\n'),
);
`;

/** Prometheus relabelling, for the two actions the scrape config uses (anchored regex, `;`-joined labels). */
function relabel(labels: Record<string, string>, rules: Relabel[]): Record<string, string> | undefined {
  const result = { ...labels };
  for (const rule of rules) {
    const value = rule.source_labels.map((label) => result[label] ?? '').join(';');
    const match = new RegExp(`^(?:${rule.regex ?? '(.*)'})$`).exec(value);
    if (rule.action === 'keep' && !match) return undefined;
    if (rule.action === 'replace' && match && rule.target_label) {
      result[rule.target_label] = (rule.replacement ?? '$1').replace(
        /\$(\d)/g,
        (_, index) => match[Number(index)] ?? '',
      );
    }
  }
  return result;
}

/** `# TYPE name type` lines of a Prometheus text exposition. */
function metricTypes(exposition: string): Map<string, string> {
  return new Map([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => [match[1]!, match[2]!]));
}

describe('the service’s metrics, scraped as the CloudWatch agents are configured to', () => {
  let child: ChildProcess;
  let port: number;
  before(async function () {
    this.timeout(30_000);
    child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', serveMetrics, serviceMetricsDir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    port = await new Promise<number>((resolve, reject) => {
      child.stdout!.once('data', (data: Buffer) => resolve(Number(String(data).trim())));
      child.once('exit', (code) => reject(new Error(`the metrics server exited with ${code}`)));
    });
  });
  after(() => child.kill());

  const instanceJob = () => (instanceScrapeConfig().scrape_configs as ScrapeJob[])[0]!;
  const podJob = () =>
    (
      podScrapeConfig(testSettings.namespace, selectorLabels(testSettings, 'web'))
        .scrape_configs as ScrapeJob[]
    )[0]!;

  async function scrape(job: ScrapeJob): Promise<Map<string, string>> {
    const response = await fetch(`http://127.0.0.1:${port}${job.metrics_path}`);
    assert.equal(response.status, 200);
    return metricTypes(await response.text());
  }

  it('scrapes the contract’s metrics port and path on both platforms, as job polls', () => {
    assert.deepEqual(instanceJob().static_configs, [{ targets: [`127.0.0.1:${METRICS_PORT}`] }]);
    for (const job of [instanceJob(), podJob()]) {
      assert.equal(job.metrics_path, healthPaths.metrics);
      assert.equal(job.job_name, scrapeJob);
    }
  });

  it('finds every exported series at that path, each a counter or a gauge (the agent drops histograms)', async () => {
    const types = await scrape(instanceJob());
    for (const name of Object.values(exportedServiceMetrics)) {
      assert.ok(['counter', 'gauge'].includes(types.get(name) ?? ''), `${name} is ${types.get(name)}`);
    }
    assert.equal(types.get('http_request_duration_seconds'), 'histogram');
  });

  it('declares for EMF only selectors that match a series the service serves', async () => {
    const names = [...(await scrape(podJob())).keys()];
    const declarations = emfProcessor('polls/test').metric_declaration as { metric_selectors: string[] }[];
    for (const selector of declarations.flatMap((declaration) => declaration.metric_selectors)) {
      assert.ok(
        names.some((name) => new RegExp(selector).test(name)),
        `${selector} matches nothing`,
      );
    }
  });

  it('on eks, keeps running web pods and points at their IP on the metrics port, never migration pods', () => {
    const rules = podJob().relabel_configs!;
    const pod = (component: string, phase: string) => ({
      __address__: '10.0.1.7:3000',
      __meta_kubernetes_pod_ip: '10.0.1.7',
      __meta_kubernetes_pod_name: `polls-${component}-abc`,
      __meta_kubernetes_pod_phase: phase,
      __meta_kubernetes_pod_label_app_kubernetes_io_name: testSettings.appName,
      __meta_kubernetes_pod_label_app_kubernetes_io_instance: testSettings.instance,
      __meta_kubernetes_pod_label_app_kubernetes_io_component: component,
    });
    const web = relabel(pod('web', 'Running'), rules);
    assert.equal(web?.__address__, `10.0.1.7:${METRICS_PORT}`);
    assert.equal(web?.pod, 'polls-web-abc');
    assert.equal(relabel(pod('migrate', 'Running'), rules), undefined);
    assert.equal(relabel(pod('web', 'Pending'), rules), undefined);
  });
});
