import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  fullKey,
  mergeConfig,
  StackConfigError,
  type ProgramConfig,
  type Project,
  type ProjectConfigType,
} from './merge';
import { isList, isMap, Secret, type ConfigValue } from './values';

export interface StackFileOptions {
  /**
   * What `pulumi config set` (`--path` for lists, `--secret` for a {@link Secret}) or `pulumi up --config`
   * writes into the stack file before the run; `null` is `pulumi config rm`. Keys without a namespace are
   * the project's.
   */
  set?: Record<string, ConfigValue | undefined>;
  /** Decrypts a `secure:` value of the stack file; without it such a value stops the run, naming its key. */
  decrypt?: (ciphertext: string, key: string) => string;
  /** The `pulumiConfig` of the ESC environments the stack file imports (`environment:`), evaluated. */
  environmentConfig?: Record<string, ConfigValue>;
}

function readYaml(path: string): unknown {
  // yaml.v3, which the CLI reads these files with, follows the YAML 1.2 core schema as `yaml` does here.
  return parse(readFileSync(path, 'utf8'));
}

/** Pulumi.yaml's `config:`, with `key: value` shorthand read as a default (`RewriteShorthandConfigValues`). */
function projectOf(raw: unknown): Project {
  const file = raw as { name: string; config?: Record<string, ConfigValue | ProjectConfigType> };
  const config: Record<string, ProjectConfigType> = {};
  for (const [key, entry] of Object.entries(file.config ?? {})) {
    const shorthand = !isMap(entry as ConfigValue);
    if (!shorthand) config[key] = entry as ProjectConfigType;
    else if (key.includes(':') && !key.startsWith(`${file.name}:`))
      config[key] = { value: entry as ConfigValue };
    else config[key] = { default: entry as ConfigValue };
  }
  return { name: file.name, config };
}

/** A stack file value with its `{ secure: <ciphertext> }` leaves decrypted (`unmarshalObject`, `isSecureValue`). */
function decrypted(value: ConfigValue, key: string, decrypt: StackFileOptions['decrypt']): ConfigValue {
  if (isList(value)) return value.map((item) => decrypted(item, key, decrypt));
  if (!isMap(value)) return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]![0] === 'secure' && typeof entries[0]![1] === 'string') {
    if (!decrypt) throw new StackConfigError(`${key} is a secure value and no decrypter was given`);
    return new Secret(decrypt(entries[0]![1], key));
  }
  return Object.fromEntries(entries.map(([name, item]) => [name, decrypted(item, key, decrypt)]));
}

/**
 * The config the Pulumi CLI would start the program with for `Pulumi.<stackName>.yaml` in `repositoryRoot`,
 * after `options.set`: see merge.ts for what the engine does. Throws the engine's StackConfigError when the
 * engine would refuse the stack before the program runs (a missing key, a value of the wrong type).
 */
export function readStackConfig(
  repositoryRoot: string,
  stackName: string,
  options: StackFileOptions = {},
): ProgramConfig {
  const project = projectOf(readYaml(join(repositoryRoot, 'Pulumi.yaml')));
  const file = (readYaml(join(repositoryRoot, `Pulumi.${stackName}.yaml`)) ?? {}) as {
    config?: Record<string, ConfigValue>;
    environment?: unknown;
  };
  if (file.environment !== undefined && options.environmentConfig === undefined) {
    throw new StackConfigError(
      `Pulumi.${stackName}.yaml imports an ESC environment: pass its evaluated pulumiConfig as environmentConfig`,
    );
  }
  const written: Record<string, ConfigValue> = {};
  for (const [key, value] of Object.entries(file.config ?? {})) written[fullKey(project.name, key)] = value;
  for (const [key, value] of Object.entries(options.set ?? {})) {
    if (value === undefined) continue;
    const name = fullKey(project.name, key);
    if (value === null) delete written[name];
    else written[name] = value;
  }
  const stackConfig = Object.fromEntries(
    Object.entries(written).map(([key, value]) => [key, decrypted(value, key, options.decrypt)]),
  );
  return mergeConfig(project, stackName, stackConfig, options.environmentConfig);
}
