/** A form whose fields cannot be read as one set of names: answered 400 with the message. */
export class FormFieldsError extends Error {}

/** One nesting level per bracket pair, at most this many: `choices[0][text]` needs two. */
const maxDepth = 5;
const bracketedName = /^([^[\]]+)((?:\[[^[\]]+\])+)$/;

/**
 * An `application/x-www-form-urlencoded` body as fields: `name=a&name=b` gives `['a', 'b']`, and bracketed
 * names nest, so `choices[0][text]=Yes` gives `{ choices: { 0: { text: 'Yes' } } }` (the admin's choice
 * rows). Objects have no prototype, so no field name can reach `Object.prototype`. A name that does not
 * follow the bracket grammar, or nests deeper than `maxDepth`, is one field of that literal name.
 */
export function parseFormFields(body: string): Record<string, unknown> {
  const fields = group();
  for (const [name, value] of new URLSearchParams(body)) {
    const path = fieldPath(name);
    let node = fields;
    for (const key of path.slice(0, -1)) {
      const existing = node[key];
      if (existing === undefined) node = node[key] = group();
      else if (isGroup(existing)) node = existing;
      else throw new FormFieldsError(`The form field "${name}" is both a value and a group of fields.`);
    }
    const key = path.at(-1)!;
    const existing = node[key];
    if (existing === undefined) node[key] = value;
    else if (typeof existing === 'string') node[key] = [existing, value];
    else if (Array.isArray(existing)) existing.push(value);
    else throw new FormFieldsError(`The form field "${name}" is both a value and a group of fields.`);
  }
  return fields;
}

function fieldPath(name: string): string[] {
  const match = name.includes('[') ? bracketedName.exec(name) : null;
  if (!match) return [name];
  const nested = match[2]!.slice(1, -1).split('][');
  return nested.length > maxDepth ? [name] : [match[1]!, ...nested];
}

type Group = Record<string, unknown>;

function group(): Group {
  return Object.create(null) as Group;
}

function isGroup(value: unknown): value is Group {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
