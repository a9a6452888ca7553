/**
 * Parsers of raw `polls:` config strings (undefined when unset), each throwing {@link InvalidValue} with a
 * reason that config.ts prefixes with the key's name.
 */

/** A key's parser turns the raw config string (undefined when unset) into a value or throws a reason. */
export type Parser<T> = (raw: string | undefined) => T;

export class InvalidValue extends Error {}

function required(raw: string | undefined): string {
  if (raw === undefined || raw === '') throw new InvalidValue('is required');
  return raw;
}

export function optional(raw: string | undefined): string | undefined {
  return raw === undefined || raw === '' ? undefined : raw;
}

export function matching<T extends string | undefined>(
  pattern: RegExp,
  what: string,
  read: Parser<T>,
): Parser<T> {
  return (raw) => {
    const value = read(raw);
    if (value !== undefined && !pattern.test(value)) throw new InvalidValue(`must be ${what}`);
    return value;
  };
}

export function text(fallback: string): Parser<string> {
  return (raw) => optional(raw) ?? fallback;
}

export function oneOf<T extends string>(choices: readonly T[]): Parser<T> {
  return (raw) => {
    const value = required(raw);
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidValue(`must be one of ${choices.join(', ')}`);
    }
    return value as T;
  };
}

export function oneOfOr<T extends string>(choices: readonly T[], fallback: T): Parser<T> {
  return (raw) => (optional(raw) === undefined ? fallback : oneOf(choices)(raw));
}

export function integer(fallback: number, min: number, max: number): Parser<number> {
  return (raw) => {
    const value = optional(raw);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value)) throw new InvalidValue('must be an integer');
    const number = Number(value);
    if (number < min || number > max) throw new InvalidValue(`must be between ${min} and ${max}`);
    return number;
  };
}

export function boolean(fallback: boolean): Parser<boolean> {
  return (raw) => {
    const value = optional(raw);
    if (value === undefined) return fallback;
    if (value !== 'true' && value !== 'false') throw new InvalidValue('must be true or false');
    return value === 'true';
  };
}

/**
 * A list, as the engine hands it over: JSON text (a project default of `[]` arrives as "[]"). `minimum` is
 * the fewest items it may hold.
 */
export function listOf(fallback: string[], pattern: RegExp, what: string, minimum = 1): Parser<string[]> {
  return (raw) => {
    const value = optional(raw);
    if (value === undefined) return fallback;
    let list: unknown;
    try {
      list = JSON.parse(value);
    } catch {
      throw new InvalidValue('must be a list');
    }
    if (!Array.isArray(list)) throw new InvalidValue('must be a list');
    if (list.length < minimum) throw new InvalidValue('must be a non-empty list');
    for (const item of list) {
      if (typeof item !== 'string' || !pattern.test(item)) throw new InvalidValue(`must hold only ${what}`);
    }
    return list as string[];
  };
}
