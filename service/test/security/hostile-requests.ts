import { readFileSync } from 'node:fs';

/** One route's normal request, which the corpus spoils one part at a time. */
interface RouteBase {
  /** The :id to use, when not the published question's. */
  readonly id?: string;
  readonly query?: Record<string, unknown>;
  readonly body?: Record<string, unknown>;
  /** The fields the route reads, each replaced by every hostile value in turn (dotted paths reach into rows). */
  readonly fields?: readonly string[];
  /** False when a valid CSRF token would make the request a legitimate write (logout). */
  readonly csrf?: boolean;
}

interface BodyCase {
  readonly name: string;
  readonly type: string;
  readonly encoding?: string;
  readonly hex?: string;
  readonly text?: unknown;
}

interface Corpus {
  readonly values: readonly unknown[];
  readonly pathSegments: readonly unknown[];
  readonly methods: readonly string[];
  readonly headers: readonly Record<string, unknown>[];
  readonly bodies: readonly BodyCase[];
  /** Keyed by `METHOD /template`, exactly the app's routes. */
  readonly routes: Readonly<Record<string, RouteBase>>;
}

export interface HostileRequest {
  /** What is hostile about it, for the failure report. */
  readonly what: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** Whether a signed-in client may add its valid CSRF token. */
  readonly csrf: boolean;
}

/** The published question and its choices the corpus aims at; no hostile value equals these ids. */
export const target = { questionId: 700001, choiceIds: [800001, 800002] } as const;

export const corpus = JSON.parse(
  readFileSync(new URL('./hostile-inputs.json', import.meta.url), 'utf8'),
) as Corpus;

/** Every request of the corpus. */
export function hostileRequests(): HostileRequest[] {
  const requests: HostileRequest[] = [];
  for (const [route, base] of Object.entries(corpus.routes)) {
    const add = (request: Omit<HostileRequest, 'csrf'>) =>
      requests.push({ ...request, csrf: base.csrf ?? true });
    const [method = '', template = ''] = route.split(' ');
    const path = template.replace(':id', base.id ?? String(target.questionId));
    const fields = base.fields ?? ['unexpected'];
    for (const field of fields) {
      for (const raw of corpus.values) {
        const value = expand(raw);
        const what = `${route} with ${field} = ${describe(raw)}`;
        if (method === 'GET') {
          add({ what, method, path: withQuery(path, { ...base.query, [field]: value }), headers: {} });
        } else {
          const body = withField(base.body ?? {}, field, value);
          // A spoilt csrf_token goes alone: a valid header token beside it would stand in for a missing one.
          const csrf = field !== 'csrf_token' && (base.csrf ?? true);
          requests.push({ what: `${what} (form)`, method, path, ...formBody(body), csrf });
          requests.push({ what: `${what} (JSON)`, method, path, ...jsonBody(body), csrf });
        }
      }
    }
    const normalPath = withQuery(path, base.query ?? {});
    if (template.includes(':id')) {
      for (const segment of corpus.pathSegments) {
        const hostilePath = withQuery(template.replace(':id', String(expand(segment))), base.query ?? {});
        // The normal body: no id here names a question, so nothing can be written.
        const sent = method === 'GET' ? { headers: {} } : formBody(base.body ?? {});
        add({ what: `${route} with :id = ${describe(segment)}`, method, path: hostilePath, ...sent });
      }
    }
    for (const headers of corpus.headers) {
      const expanded = Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, String(expand(value))]),
      );
      // An empty form: with the normal one, a vote would count, which is no hostile input's doing.
      const sent = method === 'GET' ? { headers: {} } : formBody({});
      add({
        what: `${route} with ${describe(headers)}`,
        method,
        path: normalPath,
        ...sent,
        headers: { ...sent.headers, ...expanded },
      });
    }
    if (method !== 'GET') {
      for (const body of corpus.bodies) {
        const bytes = body.hex
          ? Buffer.from(body.hex, 'hex')
          : Buffer.from(String(expand(body.text)), 'utf8');
        add({
          what: `${route} with ${body.name}`,
          method,
          path: normalPath,
          headers: {
            'Content-Type': body.type,
            ...(body.encoding ? { 'Content-Encoding': body.encoding } : {}),
          },
          body: bytes,
        });
      }
    }
  }
  const paths = new Set(
    Object.entries(corpus.routes).map(([route, base]) =>
      route.split(' ')[1]!.replace(':id', base.id ?? String(target.questionId)),
    ),
  );
  for (const path of [...paths, '/static/polls.css', '/no/such/page']) {
    // No body and no token: a bare POST is refused (no choice, no token) wherever it could write.
    for (const method of corpus.methods)
      requests.push({ what: `${method} ${path}`, method, path, headers: {}, csrf: false });
  }
  return requests;
}

/** A value with its `$repeat` and `$nest` stand-ins made real. */
function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (typeof value !== 'object' || value === null) return value;
  const { $repeat, $nest } = value as { $repeat?: [string, number]; $nest?: number };
  if ($repeat) return $repeat[0].repeat($repeat[1]);
  if ($nest !== undefined) {
    let nested: unknown = 'deep';
    for (let level = 0; level < $nest; level++) nested = [nested];
    return nested;
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expand(item)]));
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** `base` with the field at a dotted path (`choices.0.id`) set to `value`. */
function withField(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  const keys = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  // defineProperty, so a key named __proto__ becomes an own field as JSON.parse would make it.
  Object.defineProperty(node, keys.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/**
 * Name/value pairs as an HTML form (or qs) writes nested values: `choices[0][text]`. A loop, not recursion:
 * the corpus nests thousands of levels deep.
 */
function formPairs(name: string, value: unknown): [string, string][] {
  const pairs: [string, string][] = [];
  const pending: [string, unknown][] = [[name, value]];
  while (pending.length > 0) {
    const [key, item] = pending.pop()!;
    if (typeof item === 'object' && item !== null)
      pending.push(
        ...Object.entries(item)
          .map(([inner, nested]): [string, unknown] => [`${key}[${inner}]`, nested])
          .reverse(),
      );
    else pairs.push([key, item === null ? '' : String(item)]);
  }
  return pairs;
}

function pairsOf(fields: Record<string, unknown>): [string, string][] {
  return Object.entries(fields).flatMap(([name, value]) => formPairs(name, value));
}

function withQuery(path: string, query: Record<string, unknown>): string {
  const search = new URLSearchParams(pairsOf(query)).toString();
  return search ? `${path}?${search}` : path;
}

function formBody(fields: Record<string, unknown>): Pick<HostileRequest, 'headers' | 'body'> {
  return {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(new URLSearchParams(pairsOf(fields)).toString()),
  };
}

function jsonBody(fields: Record<string, unknown>): Pick<HostileRequest, 'headers' | 'body'> {
  return { headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(fields)) };
}
