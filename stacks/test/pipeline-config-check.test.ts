// The committed stack files through the check a build runs before it builds: the engine's merge
// (src/engine-config) and every check the program makes before it registers anything.
import assert from 'node:assert/strict';
import path from 'node:path';
import { checkStackConfig } from '../pipeline/config-check';
import { testSite } from './support/ec2-stacks';

const ROOT = path.resolve(__dirname, '../..');
const TODAY = new Date('2026-12-08T00:00:00Z');
const ADMIN = 'arn:aws:iam::123456789012:role/polls-deploy';
/** prod's site: its CDN needs the name, which the file leaves to each account. */
const SITE = testSite;

function refusal(stack: string, set: Record<string, unknown>): string {
  try {
    checkStackConfig(ROOT, stack, TODAY, { set: set as never });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`Pulumi.${stack}.yaml with ${JSON.stringify(set)} was accepted`);
}

describe('pipeline config check', () => {
  it('accepts the committed dev stack file as it is', () => {
    assert.equal(checkStackConfig(ROOT, 'dev', TODAY).platform, 'ec2');
  });

  it('accepts prod once the per-account cluster admins, API addresses and site are set', () => {
    const set = { clusterAdmins: [ADMIN], clusterPublicAccessCidrs: ['203.0.113.10/32'], ...SITE };
    assert.equal(checkStackConfig(ROOT, 'prod', TODAY, { set }).platform, 'eks');
  });

  it('refuses prod with the public API endpoint open to no one named, naming the key', () => {
    assert.match(
      refusal('prod', { clusterAdmins: [ADMIN], ...SITE }),
      /cannot be deployed: polls:clusterPublicAccessCidrs is required on eks while polls:clusterEndpointPublicAccess is true/,
    );
  });

  it('refuses prod without cluster admins, naming the key, in one line', () => {
    const message = refusal('prod', { clusterAdmins: null, ...SITE });
    assert.match(
      message,
      /^Pulumi\.prod\.yaml as committed cannot be deployed: polls:clusterAdmins is required on eks/,
    );
    assert.match(message, /docs\/deploying\.md, "Per-account values"\)$/);
    assert.ok(!message.includes('\n'));
  });

  it('refuses prod without its site, naming polls:domain: the CDN needs it', () => {
    assert.match(
      refusal('prod', { clusterAdmins: [ADMIN], clusterPublicAccessCidrs: ['203.0.113.10/32'] }),
      /cannot be deployed: polls:cdn needs polls:domain/,
    );
  });

  it('refuses a domain without its hosted zone, naming polls:hostedZoneId', () => {
    assert.match(
      refusal('dev', { domain: 'polls.example.com' }),
      /polls:hostedZoneId is required when polls:domain is set/,
    );
  });

  it("reports the engine's own refusal of a key the project declares without a default", () => {
    assert.match(refusal('dev', { platform: null }), /Stack 'dev' is missing configuration value 'platform'/);
  });

  it('refuses a value of the wrong type as the engine does', () => {
    assert.match(refusal('dev', { azCount: 'two' }), /configuration key 'azCount' must be of type 'integer'/);
  });
});
