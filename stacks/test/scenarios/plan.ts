import { isDeepStrictEqual } from 'node:util';
import { revealed } from '../support/inputs';
import type { ProgramRun, RecordedResource } from '../support/program';
import { replacingInputs } from './replacement';

export type Change = 'create' | 'update' | 'replace' | 'delete';

/** One resource's change between two deploys; `key` is its type and name (its URN without the stack). */
export interface PlannedChange {
  key: string;
  type: string;
  change: Change;
  /** The inputs that differ (for a replacement: those that force it). */
  inputs: string[];
  /** For an update: what the provider is sent (see sentInputs). */
  sent?: Record<string, unknown>;
  /** For a delete: the inputs it had. */
  was?: Record<string, unknown>;
}

function keyOf(resource: RecordedResource): string {
  return `${resource.type}::${resource.name}`;
}

/** A nested input, seen through secrets on the way (a secret annotation makes all of `metadata` one). */
function valueAt(inputs: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, part) => (revealed(value) as Record<string, unknown> | undefined)?.[part],
      inputs,
    );
}

/**
 * What the provider is sent for an update: the program's inputs, with each `ignoreChanges` path taken from the
 * state instead (or dropped where the state has none), as the engine's step generator does
 * (pulumi pkg/resource/deploy/step_generator.go, processIgnoreChanges).
 */
export function sentInputs(
  previous: Record<string, unknown>,
  next: RecordedResource,
): Record<string, unknown> {
  const sent = structuredClone(revealed(next.inputs)) as Record<string, unknown>;
  for (const path of next.ignoreChanges) {
    const parts = path.split('.');
    const last = parts.pop()!;
    const holder = parts.reduce<Record<string, unknown> | undefined>(
      (value, part) => value?.[part] as Record<string, unknown> | undefined,
      sent,
    );
    if (!holder) continue;
    const kept = valueAt(previous, path);
    if (kept === undefined) delete holder[last];
    else holder[last] = kept;
  }
  return sent;
}

function changedInputs(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => !isDeepStrictEqual(revealed(before[key]), revealed(after[key]))).sort();
}

/**
 * What `pulumi up` would do to go from one deploy to the next, as a preview would classify it: resources
 * only before are deleted, only after created; in both, a change to a replacing input replaces the
 * resource, any other input change updates it. Components have no inputs of their own and are left out.
 */
export function planChanges(before: ProgramRun | undefined, after: ProgramRun | undefined): PlannedChange[] {
  const custom = (run: ProgramRun | undefined) =>
    new Map((run?.resources ?? []).filter((resource) => resource.custom).map((r) => [keyOf(r), r]));
  const old = custom(before);
  const next = custom(after);
  const changes: PlannedChange[] = [];
  // A resource whose alias names one of the former state is that resource, moved or renamed, not a new one
  // (Pulumi docs, "Resource options: aliases").
  const taken = new Set<string>();
  const formerOf = (resource: RecordedResource) =>
    resource.formerNames.map((name) => `${resource.type}::${name}`).find((former) => old.has(former));
  for (const [key, resource] of next) {
    const formerKey = old.has(key) ? undefined : formerOf(resource);
    if (formerKey) taken.add(formerKey);
    const previous = old.get(formerKey ?? key);
    if (!previous) {
      changes.push({ key, type: resource.type, change: 'create', inputs: [] });
      continue;
    }
    const sent = sentInputs(previous.inputs, resource);
    const changed = changedInputs(previous.inputs, sent);
    if (changed.length === 0) continue;
    const forcing = (replacingInputs[resource.type] ?? []).filter(
      (path) => !isDeepStrictEqual(revealed(valueAt(previous.inputs, path)), valueAt(sent, path)),
    );
    changes.push({
      key,
      type: resource.type,
      change: forcing.length > 0 ? 'replace' : 'update',
      inputs: forcing.length > 0 ? forcing : changed,
      ...(forcing.length === 0 && { sent }),
    });
  }
  for (const [key, resource] of old) {
    if (!next.has(key) && !taken.has(key)) {
      changes.push({ key, type: resource.type, change: 'delete', inputs: [], was: resource.inputs });
    }
  }
  return changes;
}

export function countChanges(changes: PlannedChange[]): Record<Change, number> {
  const counts: Record<Change, number> = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const { change } of changes) counts[change] += 1;
  return counts;
}
