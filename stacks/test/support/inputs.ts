import * as pulumi from '@pulumi/pulumi';

/** A Pulumi secret as mocks record it: `{ <sig key>: <secret sig>, value }`. */
export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
  );
}

/** The inputs with secrets replaced by their values, as the provider (or a policy) sees them. */
export function revealed(value: unknown): unknown {
  if (isSecretWrapper(value)) return revealed(value.value);
  if (Array.isArray(value)) return value.map(revealed);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, revealed(item)]));
  }
  return value;
}

/** Every string in a value that is not inside a Pulumi secret. */
export function plainStrings(value: unknown): string[] {
  if (isSecretWrapper(value)) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(plainStrings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(plainStrings);
  return [];
}

/** A launch template's user data as the instance runs it. */
export function decodedUserData(inputs: Record<string, unknown>): string {
  if (typeof inputs.userData !== 'string') throw new Error('the launch template has no plain user data');
  return Buffer.from(inputs.userData, 'base64').toString('utf8');
}
