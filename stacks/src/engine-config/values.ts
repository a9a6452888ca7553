/**
 * Config values as the Pulumi engine holds them and hands them to a program, following pulumi/pulumi at
 * 1b5949891b (v3.260; the config format has not changed since well before the 3.248 SDK we run):
 * `sdk/go/common/resource/config/object.go` (`unmarshalObject`, `Secure`, `MarshalString`) and
 * `plaintext.go` (`marshalText`, `GoValue`).
 */

/** A `secure:` value of a stack file after decryption, or what `pulumi config set --secret` stores. */
export class Secret {
  constructor(readonly plaintext: string) {}
}

/** A value as YAML (Pulumi.yaml, a stack file) or an ESC environment gives it. */
export type ConfigValue =
  string | number | boolean | null | Secret | ConfigValue[] | { [key: string]: ConfigValue };

export function isList(value: ConfigValue): value is ConfigValue[] {
  return Array.isArray(value);
}

export function isMap(value: ConfigValue): value is { [key: string]: ConfigValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Secret);
}

/** `object.Secure()`: a secret, or a list or map holding one anywhere (the whole key is then secret). */
export function isSecure(value: ConfigValue): boolean {
  if (value instanceof Secret) return true;
  if (isList(value)) return value.some(isSecure);
  if (isMap(value)) return Object.values(value).some(isSecure);
  return false;
}

/** `MarshalString`'s `object` flag: lists and maps are held as JSON text and parsed again to check types. */
export function isObject(value: ConfigValue): boolean {
  return isList(value) || isMap(value);
}

/**
 * What the program receives for a key (`Plaintext.marshalText`): a string or a secret's plaintext as it
 * is, anything else as Go's JSON of it. So an integer arrives as "2", a list as `["a","b"]`, `[]` as "[]".
 * A top-level null is "" (yaml.v3 leaves a null `config.Value` at its zero value; the CLI warns).
 */
export function programText(value: ConfigValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Secret) return value.plaintext;
  return goJson(value);
}

/** The plain value `json.Unmarshal` gives back for type checks: secrets as their plaintext strings. */
export function plainValue(value: ConfigValue): unknown {
  if (value instanceof Secret) return value.plaintext;
  if (isList(value)) return value.map(plainValue);
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainValue(v)]));
  return value;
}

/**
 * Go's `encoding/json` Marshal: map keys sorted, and `<`, `>`, `&`, U+2028 and U+2029 escaped (its HTML-safe
 * default), which JSON.stringify does not do.
 */
function goJson(value: ConfigValue): string {
  const text = (item: ConfigValue): string => {
    if (isList(item)) return `[${item.map(text).join(',')}]`;
    if (isMap(item)) {
      const keys = Object.keys(item).sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${text(item[key]!)}`).join(',')}}`;
    }
    return JSON.stringify(plainValue(item));
  };
  return text(value).replace(
    /[<>&\u2028\u2029]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
