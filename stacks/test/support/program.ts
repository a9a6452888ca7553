import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as pulumi from '@pulumi/pulumi';
import { readStackConfig, type StackFileOptions } from '../../src/engine-config/stack-files';
import type { ConfigValue } from '../../src/engine-config/values';
import deploy from '../../src/index';
import { revealed } from './inputs';
import { mockInvokes, mockResourceState } from './mock-aws';

const repositoryRoot = path.resolve(__dirname, '../../..');

export type StackName = 'dev' | 'prod';

/** A resource as the program registered it. */
export interface RecordedResource {
  type: string;
  name: string;
  /** Inputs as the provider would receive them; secrets appear as `{ <sig>: <secret sig>, value }`. */
  inputs: Record<string, unknown>;
  /** False for component resources. */
  custom: boolean;
  parent?: { type: string; name: string };
  /** Every direct dependency: explicit `dependsOn` and resources whose outputs feed the inputs. */
  dependencies: string[];
  /** Only the explicit `dependsOn` dependencies (by name). */
  dependsOn: string[];
  /** Former parents named by aliases that change only the parent (`root`: the stack): where it moved from. */
  formerParents: Array<{ type: string; name: string } | 'root'>;
  /** Former names its aliases give: a resource that took over another's place in the state. */
  formerNames: string[];
  /** The same, with the name of the former parent each of those aliases gives (the type stays). */
  formerIdentities: Array<{ name: string; parent?: string }>;
  /** Former types its aliases give: a component renamed in place. */
  formerTypes: string[];
  /** Input paths the engine keeps from the state on an update (the `ignoreChanges` option). */
  ignoreChanges: string[];
  /** The name of the explicit provider it was created with; undefined for the default provider. */
  provider?: string;
  /** The ID of the existing cloud resource it adopts (the `import` option); undefined when it is created. */
  importId?: string;
  /** The ID and outputs the engine answered with (what the state holds after the deploy). */
  id: string;
  state: Record<string, unknown>;
}

export interface RecordedOutput {
  value: unknown;
  secret: boolean;
}

export interface RunOptions {
  stack: StackName;
  /**
   * What an operator sets over the stack file (`pulumi config set`, `--path` for lists, a Secret for
   * `--secret`); `null` is `pulumi config rm`. Keys without a namespace are `polls:` keys.
   */
  config?: Record<string, ConfigValue | undefined>;
  /** Computed outputs for resource types the default mocks don't know (merged over the inputs). */
  extraState?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined;
  /** The outputs of the stack's last deploy, as its StackReference to itself reads them (none by default). */
  previousOutputs?: Record<string, unknown>;
  /** The stack's last deploy: its unchanged resources keep their outputs (see resourceState). */
  previous?: ProgramRun;
  /** Answers for invokes the default mocks don't know, by token. */
  extraInvokes?: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
}

/** The resources and outputs of one program run under mocks. */
export class ProgramRun {
  constructor(
    readonly resources: RecordedResource[],
    readonly outputs: Record<string, RecordedOutput>,
  ) {}

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  /** The single resource of a type; throws when there are none or several. */
  one(type: string): RecordedResource {
    const found = this.ofType(type);
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return found[0]!;
  }

  named(name: string, type?: string): RecordedResource {
    const found = this.resources.find(
      (resource) => resource.name === name && (!type || resource.type === type),
    );
    if (!found) throw new Error(`no resource named ${name}${type ? ` of type ${type}` : ''}`);
    return found;
  }

  /** Resources whose type starts with the prefix (e.g. `aws:eks/`). */
  withTypePrefix(prefix: string): RecordedResource[] {
    return this.resources.filter((resource) => resource.type.startsWith(prefix));
  }

  /** Resource count by type, sorted by type: the figures the closing notes list. */
  countsByType(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { type } of [...this.resources].sort((a, b) => a.type.localeCompare(b.type))) {
      counts[type] = (counts[type] ?? 0) + 1;
    }
    return counts;
  }
}

/**
 * The config the Pulumi CLI starts the program with for a stack file and an operator's settings: project
 * defaults merged, lists as JSON text, declared types checked, secure values decrypted
 * (src/engine-config/merge.ts cites the engine source it follows). Throws the engine's refusal.
 */
export function stackConfig(stack: StackName, set: StackFileOptions['set'] = {}) {
  return readStackConfig(repositoryRoot, stack, { set });
}

/**
 * Hands the program its config as the Node.js language host does: PULUMI_CONFIG with keys written
 * `<namespace>:config:<name>` (`constructConfig` in sdk/nodejs/cmd/pulumi-language-nodejs/main.go), which
 * the SDK's runtime/config.ts reads back as `<namespace>:<name>`, and PULUMI_CONFIG_SECRET_KEYS.
 */
export function handToProgram(stack: StackName, set: StackFileOptions['set'] = {}): void {
  const { config, secretKeys } = stackConfig(stack, set);
  const languageHostKeys = Object.entries(config).map(([key, value]) => {
    const separator = key.indexOf(':');
    return [`${key.slice(0, separator)}:config:${key.slice(separator + 1)}`, value];
  });
  pulumi.runtime.setAllConfig(Object.fromEntries(languageHostKeys), secretKeys);
}

/** The part of the mock monitor the harness wraps to see parents and dependencies, which mocks don't pass on. */
interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(each: (value: { getUrnsList(): string[] }) => void): void };
  getAliasesList(): Array<{ getSpec(): AliasSpec | undefined }>;
  getIgnorechangesList(): string[];
}
interface AliasSpec {
  getName(): string;
  getType(): string;
  getNoparent(): boolean;
  getParenturn(): string;
}
interface RecordingMonitor {
  registerResource(request: RegisterResourceRequest, callback: (...results: unknown[]) => void): unknown;
}
/** `waitForRPCs` is exported by the runtime but missing from its typings. */
interface RuntimeWithRpcWait {
  waitForRPCs(): Promise<void>;
}

function nameOfUrn(urn: string): string {
  return urn.split('::').pop() ?? urn;
}

function typeOfUrn(urn: string): string {
  return (urn.split('::')[2] ?? '').split('$').pop() ?? '';
}

async function settle(value: unknown): Promise<RecordedOutput> {
  if (!pulumi.Output.isInstance(value)) return { value, secret: false };
  const output = value as pulumi.Output<unknown>;
  const resolved = await new Promise<unknown>((resolve) => output.apply(resolve));
  return { value: resolved, secret: await pulumi.isSecret(output) };
}

/**
 * Runs the Pulumi program under mocks for a stack file with config overrides and returns what it
 * registered. Mocks are set first, then config, then the program runs; invokes the mocks don't know are
 * answered with {} and reported afterwards as an error naming their tokens (a throwing mock would hang).
 */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
  const unmockedInvokes = new Set<string>();
  const invokes = { ...mockInvokes, ...options.extraInvokes };
  const resources: RecordedResource[] = [];
  // The monitor hands each request to `newResource` synchronously, so this pairs every call with its request.
  let pendingRequest: RegisterResourceRequest | undefined;

  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const answer = resourceState(args, options);
        if (pendingRequest) resources.push({ ...recordedResource(args, pendingRequest), ...answer });
        return answer;
      },
      call: (args) => {
        const answer = invokes[args.token];
        if (answer) return answer(args.inputs as Record<string, unknown>);
        unmockedInvokes.add(args.token);
        return {};
      },
    },
    'polls',
    options.stack,
    false,
    // A self-managed backend's organization name (Pulumi's docs: it is always "organization" there).
    'organization',
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as RecordingMonitor;
  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    pendingRequest = request;
    try {
      return registerResource(request, callback);
    } finally {
      pendingRequest = undefined;
    }
  };

  handToProgram(options.stack, options.config);

  // An error inside an apply leaves its resource's RPC pending forever: fail the run on it instead of hanging.
  let failRun: (error: unknown) => void = () => undefined;
  const programFailed = new Promise<never>((_, reject) => (failRun = reject));
  programFailed.catch(() => undefined);
  process.on('unhandledRejection', failRun);
  let outputs: Record<string, RecordedOutput>;
  try {
    outputs = await Promise.race([settleProgram(), programFailed]);
  } catch (error) {
    throw unmockedInvokes.size > 0 ? unmockedInvokesError(unmockedInvokes) : error;
  } finally {
    process.off('unhandledRejection', failRun);
  }
  if (unmockedInvokes.size > 0) throw unmockedInvokesError(unmockedInvokes);
  return new ProgramRun(resources, outputs);
}

/**
 * What the engine answers a registration with. A resource of the previous deploy whose inputs are unchanged
 * is a "same" step: the engine calls no provider and hands back the ID and outputs in the state (`SameStep.Apply` in
 * pulumi's pkg/resource/deploy/step.go), so generated values (random bytes) stay. Anything else gets what
 * the mocks compute, as a create or an update would.
 */
function resourceState(
  args: pulumi.runtime.MockResourceArgs,
  options: RunOptions,
): { id: string; state: Record<string, unknown> } {
  if (args.type === 'pulumi:pulumi:StackReference') {
    return { id: args.id ?? args.name, state: { outputs: options.previousOutputs ?? {} } };
  }
  const previous = options.previous?.resources.find(
    (resource) => resource.type === args.type && resource.name === args.name,
  );
  if (previous && isDeepStrictEqual(revealed(previous.inputs), revealed(args.inputs))) {
    return { id: previous.id, state: previous.state };
  }
  const { id, state } = mockResourceState(args);
  return { id, state: { ...state, ...options.extraState?.(args) } };
}

/** Runs the program and waits until every resource has reached the mocks; returns the settled outputs. */
async function settleProgram(): Promise<Record<string, RecordedOutput>> {
  const stackOutputs = await deploy();
  const outputs: Record<string, RecordedOutput> = {};
  for (const [key, value] of Object.entries(stackOutputs)) outputs[key] = await settle(value);
  await (pulumi.runtime as unknown as RuntimeWithRpcWait).waitForRPCs();
  return outputs;
}

function unmockedInvokesError(tokens: Set<string>): Error {
  return new Error(`unmocked invokes (add them to test/support/mock-aws.ts): ${[...tokens].join(', ')}`);
}

function recordedResource(
  args: pulumi.runtime.MockResourceArgs,
  request: RegisterResourceRequest,
): Omit<RecordedResource, 'id' | 'state'> {
  const dependencies = request.getDependenciesList();
  const fromInputs = new Set<string>();
  request
    .getPropertydependenciesMap()
    .forEach((value) => value.getUrnsList().forEach((urn) => fromInputs.add(urn)));
  const parentUrn = request.getParent();
  return {
    type: args.type,
    name: args.name,
    inputs: args.inputs as Record<string, unknown>,
    custom: request.getCustom(),
    parent: parentUrn ? { type: typeOfUrn(parentUrn), name: nameOfUrn(parentUrn) } : undefined,
    dependencies: dependencies.map(nameOfUrn),
    dependsOn: dependencies.filter((urn) => !fromInputs.has(urn)).map(nameOfUrn),
    // A provider reference is `<urn>::<id>`: the name is the URN's last part before the id.
    provider: args.provider ? nameOfUrn(args.provider.split('::').slice(0, -1).join('::')) : undefined,
    // The mock monitor hands a registration's `import` ID to the mocks as `id`.
    importId: args.id || undefined,
    formerNames: request.getAliasesList().flatMap((alias) => {
      const name = alias.getSpec()?.getName();
      return name ? [name] : [];
    }),
    ignoreChanges: request.getIgnorechangesList(),
    formerTypes: request.getAliasesList().flatMap((alias) => {
      const type = alias.getSpec()?.getType();
      return type ? [type] : [];
    }),
    formerIdentities: request.getAliasesList().flatMap((alias) => {
      const spec = alias.getSpec();
      if (!spec?.getName()) return [];
      const parentUrn = spec.getParenturn();
      return [{ name: spec.getName(), ...(parentUrn && { parent: nameOfUrn(parentUrn) }) }];
    }),
    formerParents: request.getAliasesList().flatMap((alias): RecordedResource['formerParents'] => {
      const spec = alias.getSpec();
      // Only aliases that change nothing but the parent (type aliases, e.g. of Kubernetes kinds, are not moves).
      if (!spec || spec.getName() !== '' || spec.getType() !== '') return [];
      if (spec.getNoparent()) return ['root'];
      return [{ type: typeOfUrn(spec.getParenturn()), name: nameOfUrn(spec.getParenturn()) }];
    }),
  };
}
