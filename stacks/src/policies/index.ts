// The policy pack: `pulumi preview --policy-pack stacks/src/policies` (see docs/deploying.md).
import { PolicyPack } from '@pulumi/policy';
import { policies } from './rules';

new PolicyPack('polls-guardrails', { policies });
