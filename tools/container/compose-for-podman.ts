// Prints compose.yaml in a form that Debian's docker-compose 1.29 accepts, for the lint and the container
// test. 1.29 predates `develop` (compose watch), so `develop.watch` is checked here and then left out.
// With --host-network DB_PORT WEB_PORT it also rewrites the stack for these machines, where containers
// may only talk over 127.0.0.1: host networking, no published ports, PostgreSQL on DB_PORT and the service
// on WEB_PORT (so neither clashes with the machine's own servers), every DATABASE_URL pointed there.
//
// Usage: node --import tsx tools/container/compose-for-podman.ts compose.yaml [--host-network DB_PORT WEB_PORT]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

type Service = Record<string, unknown> & {
  environment?: Record<string, unknown>;
  develop?: { watch?: WatchRule[] };
};
type ComposeFile = { services: Record<string, Service> };
type WatchRule = { path?: unknown; action?: unknown; target?: unknown };
type HostNetwork = { databasePort: number; webPort: number };

const watchActions = new Set(['rebuild', 'restart', 'sync', 'sync+restart', 'sync+exec']);

function watchRuleProblems(rule: WatchRule, projectDir: string): string[] {
  const problems: string[] = [];
  if (typeof rule.path !== 'string' || !existsSync(resolve(projectDir, rule.path))) {
    problems.push(`path ${String(rule.path)} does not exist`);
  }
  if (typeof rule.action !== 'string' || !watchActions.has(rule.action)) {
    problems.push(`action ${String(rule.action)} is not one of ${[...watchActions].join(', ')}`);
  }
  const syncs = typeof rule.action === 'string' && rule.action.startsWith('sync');
  if (syncs && (typeof rule.target !== 'string' || !isAbsolute(rule.target))) {
    problems.push(`action ${String(rule.action)} needs an absolute target`);
  }
  return problems;
}

function withoutDevelop(compose: ComposeFile, projectDir: string): ComposeFile {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [index, rule] of (service.develop?.watch ?? []).entries()) {
      for (const problem of watchRuleProblems(rule, projectDir)) {
        problems.push(`services.${name}.develop.watch[${index}]: ${problem}`);
      }
    }
    delete service.develop;
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return compose;
}

function onHostNetwork(compose: ComposeFile, { databasePort, webPort }: HostNetwork): ComposeFile {
  for (const [name, service] of Object.entries(compose.services)) {
    service.network_mode = 'host';
    delete service.ports;
    const environment = (service.environment ??= {});
    if (typeof environment.DATABASE_URL === 'string') {
      // A string edit, not URL parsing: the URL still holds ${VARIABLE} references for compose to fill in.
      environment.DATABASE_URL = environment.DATABASE_URL.replace(
        /@[^@/]+(?=\/[^/]*$)/,
        `@127.0.0.1:${databasePort}`,
      );
    }
    if (name === 'db') {
      // PGPORT moves both the server and pg_isready/psql inside the container.
      environment.PGPORT = String(databasePort);
      service.command = ['postgres', '-c', 'listen_addresses=127.0.0.1'];
    }
    if (name === 'web') environment.PORT = String(webPort);
  }
  return compose;
}

function parsePort(text: string | undefined): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) throw new Error(`not a port: ${text}`);
  return port;
}

function main(args: string[]): void {
  const [file, option, databasePort, webPort] = args;
  if (!file || (option !== undefined && option !== '--host-network')) {
    throw new Error('usage: compose-for-podman.ts COMPOSE_FILE [--host-network DB_PORT WEB_PORT]');
  }
  // Through JSON, so that the services no longer share the objects their YAML aliases point to.
  const parsed = JSON.parse(
    JSON.stringify(parse(readFileSync(file, 'utf8'), { merge: true })),
  ) as ComposeFile;
  let compose = withoutDevelop(parsed, dirname(resolve(file)));
  if (option) {
    compose = onHostNetwork(compose, { databasePort: parsePort(databasePort), webPort: parsePort(webPort) });
  }
  process.stdout.write(stringify(compose));
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(`compose-for-podman: ${(error as Error).message}`);
  process.exit(1);
}
