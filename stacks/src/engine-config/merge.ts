/**
 * The config a Pulumi program receives, combined from Pulumi.yaml, a stack file and the stack's ESC
 * environment the way the engine does before every preview, update and destroy. Followed from pulumi/pulumi
 * at 1b5949891b (v3.260):
 * - `pkg/workspace/config.go`, `ValidateStackConfigAndApplyProjectConfig` → `mergeConfig`: environment values
 *   under the stack's (JSON merge patch, the stack wins), then every project key's `default` (or `value`) for
 *   keys the stack leaves unset, a project key with neither and no stack value is missing (one error names
 *   them all), then `validateStackConfigValues` checks explicitly typed keys (`secret: true` keys must be
 *   secure values; lists and maps are parsed from their JSON text first);
 * - `sdk/go/common/workspace/project.go`: `ValidateConfigValue` (what each type accepts), `Validate` (a
 *   default must fit its type), `RewriteShorthandConfigValues` (`key: value` in Pulumi.yaml is a default);
 * - `pkg/resource/deploy/source_eval.go` (`Iterate`): the decrypted values as text, and `SecureKeys`.
 * `sdk/nodejs/runtime/config.ts` then hands the program that text through PULUMI_CONFIG: `Config.get` returns
 * it as it is and `getObject`/`requireObject` JSON.parse it, so a list default `[]` arrives as "[]".
 */
import { isMap, isObject, isSecure, plainValue, programText, type ConfigValue } from './values';

type TypeName = 'string' | 'integer' | 'boolean' | 'array' | 'object';
interface ItemsType {
  type: TypeName;
  items?: ItemsType;
}

/** One key under `config:` in Pulumi.yaml (`ProjectConfigType`). */
export interface ProjectConfigType {
  type?: TypeName;
  items?: ItemsType;
  default?: ConfigValue;
  value?: ConfigValue;
  secret?: boolean;
  description?: string;
}

export interface Project {
  name: string;
  config: Record<string, ProjectConfigType>;
}

/** What the program is started with: PULUMI_CONFIG's `namespace:key` → text, and the secret keys. */
export interface ProgramConfig {
  config: Record<string, string>;
  secretKeys: string[];
}

/** A refusal the engine makes before the program starts, in the engine's words. */
export class StackConfigError extends Error {}

/** `parseConfigKey`: a key without a namespace belongs to the project. */
export function fullKey(projectName: string, key: string): string {
  return key.includes(':') ? key : `${projectName}:${key}`;
}

function typeName(type: TypeName, items?: ItemsType): string {
  return items ? `array<${typeName(items.type, items.items)}>` : type;
}

/** `ValidateConfigValue`, on a value as `json.Unmarshal` gives it (numbers are floats) or the raw text. */
function fitsType(type: TypeName, items: ItemsType | undefined, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      // strconv.Atoi on text; a whole number otherwise.
      if (typeof value === 'string') return /^[+-]?\d+$/.test(value) && Number.isSafeInteger(Number(value));
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return value === 'true' || value === 'false' || typeof value === 'boolean';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return (
        Array.isArray(value) &&
        items !== undefined &&
        value.every((item) => fitsType(items.type, items.items, item))
      );
  }
}

/** `Project.Validate` for the project's own keys: a typed array names its items, a default fits its type. */
export function checkProject(project: Project): void {
  for (const [key, declared] of Object.entries(project.config)) {
    if (declared.type === 'array' && !declared.items) {
      throw new StackConfigError(
        `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`,
      );
    }
    if (
      declared.type &&
      declared.default !== undefined &&
      declared.default !== null &&
      !fitsType(declared.type, declared.items, plainValue(declared.default))
    ) {
      throw new StackConfigError(
        `The default value specified for configuration key '${key}' is not of the expected type '${typeName(declared.type, declared.items)}'`,
      );
    }
  }
}

/** `missingStackConfigurationKeysError`, word for word. */
function missingKeysError(stackName: string, keys: string[]): StackConfigError {
  const sorted = [...keys].sort();
  const quoted = sorted.map((key) => `'${key}'`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
  return new StackConfigError(
    `Stack '${stackName}' is missing configuration value${keys.length > 1 ? 's' : ''} ${list}`,
  );
}

/** `object.Merge`: JSON merge patch of `value` onto `base`, recursing into maps only. */
function mergePatch(value: ConfigValue, base: ConfigValue | undefined): ConfigValue {
  if (!isMap(value) || base === undefined || !isMap(base)) return value;
  const merged = { ...base };
  for (const [key, item] of Object.entries(value)) merged[key] = mergePatch(item, merged[key]);
  return merged;
}

/**
 * The config the engine starts the program with, or the StackConfigError it stops with. `stackConfig` is the
 * stack file's `config:` with secure values decrypted (keys namespaced, see {@link fullKey});
 * `environmentConfig` the `pulumiConfig` of the ESC environments the stack file imports, already evaluated.
 */
export function mergeConfig(
  project: Project,
  stackName: string,
  stackConfig: Record<string, ConfigValue>,
  environmentConfig: Record<string, ConfigValue> = {},
): ProgramConfig {
  checkProject(project);
  const merged: Record<string, ConfigValue> = { ...stackConfig };
  for (const [key, value] of Object.entries(environmentConfig)) {
    const name = fullKey(project.name, key);
    merged[name] = name in merged ? mergePatch(merged[name]!, value) : value;
  }
  const missing: string[] = [];
  for (const key of Object.keys(project.config).sort()) {
    const declared = project.config[key]!;
    const name = fullKey(project.name, key);
    if (name in merged) continue;
    const fallback = declared.default ?? declared.value;
    if (fallback !== undefined) merged[name] = fallback;
    else if (name.startsWith(`${project.name}:`)) missing.push(key);
  }
  if (missing.length > 0) throw missingKeysError(stackName, missing);
  for (const key of Object.keys(project.config).sort()) {
    const declared = project.config[key]!;
    if (!declared.type) continue;
    const value = merged[fullKey(project.name, key)] ?? '';
    if (declared.secret && !isSecure(value)) {
      throw new StackConfigError(
        `Stack '${stackName}' with configuration key '${key}' must be encrypted as it's secret`,
      );
    }
    const content = isObject(value) ? plainValue(value) : programText(value);
    if (!fitsType(declared.type, declared.items, content)) {
      throw new StackConfigError(
        `Stack '${stackName}' with configuration key '${key}' must be of type '${typeName(declared.type, declared.items)}'`,
      );
    }
  }
  return {
    config: Object.fromEntries(Object.entries(merged).map(([key, value]) => [key, programText(value)])),
    secretKeys: Object.keys(merged)
      .filter((key) => isSecure(merged[key]!))
      .sort(),
  };
}
