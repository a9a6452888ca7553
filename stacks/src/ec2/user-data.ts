import { emfProcessor, instanceScrapeConfig } from '../observability/service-metrics';
import {
  CONTAINER_PORT,
  METRICS_PORT,
  migrateCommand,
  openFilesLimit,
  serviceMemoryLimitsMiB,
  serveCommand,
  serviceEnvironment,
  stopTimeoutSeconds,
} from '../service-contract';

/** What an instance needs to know at boot. None of it is secret: secrets are fetched with the instance role. */
export interface BootSettings {
  image: string;
  region: string;
  /** ARN of the Secrets Manager secret holding the service's secret environment as JSON. */
  secretArn: string;
  logGroupName: string;
  /** Where the CloudWatch agent writes the service's scraped metrics (EMF events), and their namespace. */
  metricsLogGroupName: string;
  metricNamespace: string;
  /** Proxies in front of the service that append to X-Forwarded-For (service-contract.ts). */
  trustedProxyHops: number;
  /** DATABASE_POOL_MAX, sized to the database class (database-connections.ts). */
  databasePoolMax: number;
}

type EnvironmentSettings = Pick<BootSettings, 'trustedProxyHops' | 'databasePoolMax'>;

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

// The RDS CA bundle is mounted, so the database's certificate and host name are verified.
function environmentOptions(settings: EnvironmentSettings): string {
  return Object.entries(serviceEnvironment({ logLevel: 'info', ...settings }))
    .map(([name, value]) => `--env ${shellQuote(`${name}=${value}`)}`)
    .join(' ');
}

/**
 * Runs before every start of the service (boot and restarts): fresh secrets and a registry login through
 * the instance role, the image, then the migrations. The migration command takes a PostgreSQL advisory lock,
 * so instances booting together run it one after another and all but the first find nothing to do.
 */
const controlScript = (settings: EnvironmentSettings) => `#!/bin/bash
set -euo pipefail
# shellcheck source=/dev/null
source /etc/polls/polls.conf

container() {
  local stream=$1
  shift
  docker run --env-file /run/polls/app.env \\
    ${environmentOptions(settings)} \\
    --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges \\
    --log-driver awslogs --log-opt awslogs-region="$REGION" --log-opt awslogs-group="$LOG_GROUP" \\
    --log-opt awslogs-stream="$(cat /run/polls/instance-id)/$stream" --log-opt mode=non-blocking \\
    "$@"
}

case "$1" in
  prepare)
    install -d -m 0700 /run/polls
    # IMDSv2: a session token first, then the instance id that names this instance's log streams.
    token=$(curl --fail --silent --request PUT --header 'X-aws-ec2-metadata-token-ttl-seconds: 60' \\
      http://169.254.169.254/latest/api/token)
    curl --fail --silent --header "X-aws-ec2-metadata-token: $token" \\
      http://169.254.169.254/latest/meta-data/instance-id >/run/polls/instance-id
    (umask 077 && aws secretsmanager get-secret-value --region "$REGION" --secret-id "$SECRET_ID" \\
      --query SecretString --output text \\
      | python3 -c 'import json, sys; print("".join(f"{k}={v}\\n" for k, v in json.load(sys.stdin).items()), end="")' \\
      >/run/polls/app.env)
    registry=$(echo "$IMAGE" | cut -d/ -f1)
    if [[ $registry == *.dkr.ecr.*.amazonaws.com ]]; then
      aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$registry"
    fi
    docker pull "$IMAGE"
    docker rm --force polls >/dev/null 2>&1 || true
    container migrate --rm "$IMAGE" ${migrateCommand.join(' ')}
    ;;
  serve)
    container serve --name polls --rm --ulimit nofile=${openFilesLimit}:${openFilesLimit} --memory ${serviceMemoryLimitsMiB.ec2}m --publish "$PORT:$PORT" --publish "127.0.0.1:$METRICS_PORT:$METRICS_PORT" --stop-timeout "$STOP_TIMEOUT" "$IMAGE" ${serveCommand.join(' ')}
    ;;
esac
`;

const unit = `[Unit]
Description=polls service (container)
Requires=docker.service
After=docker.service network-online.target
Wants=network-online.target

[Service]
ExecStartPre=/usr/local/bin/polls prepare
ExecStart=/usr/local/bin/polls serve
ExecStop=/usr/bin/docker stop polls
Restart=always
RestartSec=10
TimeoutStartSec=900

[Install]
WantedBy=multi-user.target
`;

const agentDirectory = '/opt/aws/amazon-cloudwatch-agent/etc';
const scrapeConfigPath = `${agentDirectory}/polls-prometheus.yaml`;
const agentConfigPath = `${agentDirectory}/polls-agent.json`;

/**
 * The CloudWatch agent's configuration: scrape the service's metrics port (the scrape config is JSON, which is
 * YAML too) and publish the kept series as EMF events to the metrics log group.
 */
export function agentConfig(settings: Pick<BootSettings, 'metricsLogGroupName' | 'metricNamespace'>): object {
  return {
    logs: {
      metrics_collected: {
        prometheus: {
          cluster_name: settings.metricNamespace,
          log_group_name: settings.metricsLogGroupName,
          prometheus_config_path: scrapeConfigPath,
          emf_processor: emfProcessor(settings.metricNamespace),
        },
      },
      force_flush_interval: 15,
    },
  };
}

/**
 * The instance's user data: installs Docker and the CloudWatch agent (scraping the service's metrics port), writes the non-secret settings, the control script and a
 * systemd unit that keeps the service running (restarts, reboots), then starts it.
 */
export function renderUserData(settings: BootSettings): string {
  const conf = [
    `IMAGE=${shellQuote(settings.image)}`,
    `REGION=${shellQuote(settings.region)}`,
    `SECRET_ID=${shellQuote(settings.secretArn)}`,
    `LOG_GROUP=${shellQuote(settings.logGroupName)}`,
    `PORT=${CONTAINER_PORT}`,
    `METRICS_PORT=${METRICS_PORT}`,
    `STOP_TIMEOUT=${stopTimeoutSeconds()}`,
  ].join('\n');
  return `#!/bin/bash
set -euo pipefail
dnf install -y docker amazon-cloudwatch-agent
systemctl enable --now docker

cat >${scrapeConfigPath} <<'POLLS_SCRAPE'
${JSON.stringify(instanceScrapeConfig(), null, 2)}
POLLS_SCRAPE
cat >${agentConfigPath} <<'POLLS_AGENT'
${JSON.stringify(agentConfig(settings), null, 2)}
POLLS_AGENT
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${agentConfigPath}

install -d -m 0755 /etc/polls
cat >/etc/polls/polls.conf <<'POLLS_CONF'
${conf}
POLLS_CONF

cat >/usr/local/bin/polls <<'POLLS_SCRIPT'
${controlScript(settings)}POLLS_SCRIPT
chmod 0755 /usr/local/bin/polls

cat >/etc/systemd/system/polls.service <<'POLLS_UNIT'
${unit}POLLS_UNIT
systemctl daemon-reload
systemctl enable --now polls.service
`;
}
