// Each provider's key rules (src/common/remote-keys.ts), by `spec.provider` key. Loaded eagerly: they are
// small and import no SDK, and the engine applies them while planning, before the policy match and before
// any provider module is loaded. A provider whose keys become URL paths must have an entry here.

import type { KeyRules } from '../common/remote-keys.js';
import { vaultKeyRules } from './vault/key-rules.js';
import { gcpsmKeyRules } from './gcpsm/key-rules.js';
import { azurekvKeyRules } from './azurekv/key-rules.js';
import { awsKeyRules } from './aws/key-rules.js';
import { onepasswordKeyRules } from './onepassword/key-rules.js';
import { openBaoKeyRules } from './openbao/key-rules.js';
import { kubernetesKeyRules } from './kubernetes/key-rules.js';
import { gitlabKeyRules } from './gitlab/key-rules.js';
import { dopplerKeyRules } from './doppler/key-rules.js';
import { infisicalKeyRules } from './infisical/key-rules.js';
import { bitwardenKeyRules } from './bitwarden/key-rules.js';

const rules: Record<string, KeyRules> = {
  vault: vaultKeyRules,
  gcpsm: gcpsmKeyRules,
  azurekv: azurekvKeyRules,
  aws: awsKeyRules,
  onepassword: onepasswordKeyRules,
  openBao: openBaoKeyRules,
  kubernetes: kubernetesKeyRules,
  gitlab: gitlabKeyRules,
  doppler: dopplerKeyRules,
  infisical: infisicalKeyRules,
  bitwardensecretsmanager: bitwardenKeyRules,
};

export function keyRulesOf(provider: string): KeyRules | undefined {
  return Object.hasOwn(rules, provider) ? rules[provider] : undefined;
}
