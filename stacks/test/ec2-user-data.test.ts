import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { agentConfig, renderUserData, type BootSettings } from '../src/ec2/user-data';
import { emfProcessor } from '../src/observability/service-metrics';
import { METRICS_PORT } from '../src/service-contract';
import { drainSeconds, openFilesLimit } from '../src/service-contract';

const settings: BootSettings = {
  image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/polls:v1.2.3',
  region: 'eu-west-1',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:polls-app-AbCdEf',
  logGroupName: '/polls/dev/service',
  metricsLogGroupName: '/polls/dev/metrics',
  metricNamespace: 'polls/dev',
  trustedProxyHops: 1,
  databasePoolMax: 10,
};

/** The body of a quoted here-document the user data writes to a file. */
function hereDocument(script: string, marker: string): string {
  const match = new RegExp(`<<'${marker}'\\n([\\s\\S]*?)^${marker}$`, 'm').exec(script);
  if (!match?.[1]) throw new Error(`no here-document ${marker}`);
  return match[1];
}

function check(command: string, args: string[], script: string) {
  return spawnSync(command, args, { input: script, encoding: 'utf8' });
}

describe('ec2 user data', () => {
  const script = renderUserData(settings);
  const control = hereDocument(script, 'POLLS_SCRIPT');

  it('is valid bash, and so is the control script it installs', () => {
    for (const text of [script, control]) {
      const result = check('bash', ['-n'], text);
      assert.equal(result.status, 0, result.stderr);
    }
  });

  it('passes shellcheck', function () {
    if (check('shellcheck', ['--version'], '').error) this.skip();
    for (const text of [script, control]) {
      const result = check('shellcheck', ['--shell=bash', '-'], text);
      assert.equal(result.status, 0, result.stdout);
    }
  });

  it('writes the settings shell-quoted, so a value cannot run as a command', () => {
    const conf = hereDocument(renderUserData({ ...settings, logGroupName: "/it's/$(reboot)" }), 'POLLS_CONF');
    assert.match(conf, /^LOG_GROUP='\/it'\\''s\/\$\(reboot\)'$/m);
  });

  it('keeps the secrets file private to root and on tmpfs', () => {
    assert.match(control, /install -d -m 0700 \/run\/polls/);
    assert.match(
      control,
      /\(umask 077 && aws secretsmanager get-secret-value[\s\S]*>\/run\/polls\/app\.env\)/,
    );
    assert.match(control, /--env-file \/run\/polls\/app\.env/);
  });

  it('configures the service for RDS behind the load balancer', () => {
    // DATABASE_POOL_MAX: the pool the stack sized for its database class (database-connections.ts).
    const variables = [
      'NODE_ENV=production',
      'TRUST_PROXY=1',
      'DATABASE_SSL=verify-full',
      'DATABASE_POOL_MAX=10',
    ];
    for (const variable of variables) {
      assert.ok(control.includes(`--env '${variable}'`), variable);
    }
    // The image carries RDS's CAs: nothing is fetched at boot or mounted for them.
    assert.doesNotMatch(script, /truststore|NODE_EXTRA_CA_CERTS/);
  });

  it('passes the drain time explicitly and lets docker stop wait longer than it', () => {
    assert.ok(control.includes(`--env 'SHUTDOWN_DRAIN_SECONDS=${drainSeconds}'`));
    const conf = hereDocument(script, 'POLLS_CONF');
    const stopTimeout = Number(/^STOP_TIMEOUT=(\d+)$/m.exec(conf)?.[1]);
    assert.ok(stopTimeout > drainSeconds, `STOP_TIMEOUT=${stopTimeout}`);
    assert.match(control, /--stop-timeout "\$STOP_TIMEOUT"/);
  });

  it('runs the CloudWatch agent on the scrape config it writes, publishing to the metrics log group', () => {
    const written = JSON.parse(hereDocument(script, 'POLLS_AGENT')) as ReturnType<typeof agentConfig>;
    assert.deepEqual(written, agentConfig(settings));
    const prometheus = (written as { logs: { metrics_collected: { prometheus: Record<string, unknown> } } })
      .logs.metrics_collected.prometheus;
    assert.equal(prometheus.log_group_name, '/polls/dev/metrics');
    assert.deepEqual(prometheus.emf_processor, emfProcessor('polls/dev'));
    assert.match(script, new RegExp(`cat >${String(prometheus.prometheus_config_path)} <<'POLLS_SCRAPE'`));
    assert.match(script, /^dnf install -y docker amazon-cloudwatch-agent$/m);
    assert.match(
      script,
      /amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:\/opt\/aws\/amazon-cloudwatch-agent\/etc\/polls-agent\.json/,
    );
  });

  it('publishes the metrics port on the loopback only, for the agent and nobody else', () => {
    assert.match(hereDocument(script, 'POLLS_CONF'), new RegExp(`^METRICS_PORT=${METRICS_PORT}$`, 'm'));
    assert.match(control, /--publish "127\.0\.0\.1:\$METRICS_PORT:\$METRICS_PORT"/);
  });

  it('gives the service more open files than the connections it accepts', () => {
    assert.match(control, new RegExp(`--ulimit nofile=${openFilesLimit}:${openFilesLimit} `));
  });

  it('logs in to ECR only for ECR images', () => {
    assert.match(control, /if \[\[ \$registry == \*\.dkr\.ecr\.\*\.amazonaws\.com \]\]; then/);
  });

  it('migrates in the start step, so a failed migration keeps the service from starting and retries', () => {
    const unit = hereDocument(script, 'POLLS_UNIT');
    assert.match(unit, /^ExecStartPre=\/usr\/local\/bin\/polls prepare$/m);
    assert.match(unit, /^ExecStart=\/usr\/local\/bin\/polls serve$/m);
    assert.match(unit, /^Restart=always$/m);
    const prepare = control.slice(control.indexOf('prepare)'), control.indexOf('serve)'));
    assert.match(prepare, /container migrate --rm "\$IMAGE" node service\/dist\/bin\/migrate\.js/);
  });
});
