import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { sslOptions } from '../../src/db/connect.js';
import { databaseCertificateAuthorities } from '../../src/db/database-certificates.js';

const commonName = (pem: string) => /CN=([^\n]+)/.exec(new X509Certificate(pem).subject)?.[1];

describe('database TLS (DATABASE_SSL)', () => {
  it('verify-full checks the certificate against the public roots and Amazon RDS’s current CAs', () => {
    const options = sslOptions('verify-full');
    assert.ok(options && options.rejectUnauthorized);
    const names = new Set(options.ca!.map(commonName));
    for (const region of ['us-east-1', 'eu-west-1', 'eu-central-1']) {
      for (const kind of ['RSA2048', 'RSA4096', 'ECC384']) {
        assert.ok(names.has(`Amazon RDS ${region} Root CA ${kind} G1`), `${region} ${kind}`);
      }
    }
    assert.ok(options.ca!.length > rootCertificates.length);
  });

  it('keeps a private CA named by NODE_EXTRA_CA_CERTS, which an explicit list would otherwise drop', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'polls-ca-'));
    try {
      const file = path.join(directory, 'private-ca.pem');
      writeFileSync(file, rootCertificates[0]!);
      const withExtra = databaseCertificateAuthorities(file);
      assert.equal(withExtra.length, databaseCertificateAuthorities(undefined).length + 1);
      assert.equal(withExtra.at(-1), rootCertificates[0]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('require encrypts without checking the certificate, disable does not encrypt', () => {
    assert.deepEqual(sslOptions('require'), { rejectUnauthorized: false });
    assert.equal(sslOptions('disable'), false);
  });
});
