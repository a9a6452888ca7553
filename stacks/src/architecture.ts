/** CPU architectures, named as AWS names them in AMI parameters. */
export type Architecture = 'x86_64' | 'arm64';

/** Graviton instance types (t4g, m7g, c7gn…) run arm64 images; the rest x86_64. */
export function architectureOf(instanceType: string): Architecture {
  return /^[a-z]+\d+[a-z]*g[a-z]*\./.test(instanceType) ? 'arm64' : 'x86_64';
}
