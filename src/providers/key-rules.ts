// Each provider's key rules (src/common/remote-keys.ts), by `spec.provider` key. They import no SDK, and
// the engine applies them while planning, before the policy match and before any provider module is
// loaded; only the rules of the run's stores are loaded (loadKeyRules, awaited before planning), so a
// run on the fake store compiles none. A provider whose keys become URL paths must have an entry here.

import type { KeyRules } from '../common/remote-keys.js';

const loaders: Record<string, () => Promise<KeyRules>> = {
  vault: async () => (await import('./vault/key-rules.js')).vaultKeyRules,
  gcpsm: async () => (await import('./gcpsm/key-rules.js')).gcpsmKeyRules,
  azurekv: async () => (await import('./azurekv/key-rules.js')).azurekvKeyRules,
  aws: async () => (await import('./aws/key-rules.js')).awsKeyRules,
  onepassword: async () => (await import('./onepassword/key-rules.js')).onepasswordKeyRules,
  openBao: async () => (await import('./openbao/key-rules.js')).openBaoKeyRules,
  kubernetes: async () => (await import('./kubernetes/key-rules.js')).kubernetesKeyRules,
  gitlab: async () => (await import('./gitlab/key-rules.js')).gitlabKeyRules,
  doppler: async () => (await import('./doppler/key-rules.js')).dopplerKeyRules,
  infisical: async () => (await import('./infisical/key-rules.js')).infisicalKeyRules,
  bitwardensecretsmanager: async () => (await import('./bitwarden/key-rules.js')).bitwardenKeyRules,
};

/** The providers that have key rules. */
export const KEY_RULE_PROVIDERS: readonly string[] = Object.keys(loaders);

const loaded = new Map<string, KeyRules>();

/** Loads the key rules of these providers (`spec.provider` keys; those without rules are ignored). */
export async function loadKeyRules(providers: Iterable<string>): Promise<void> {
  for (const p of new Set(providers)) if (Object.hasOwn(loaders, p) && !loaded.has(p)) loaded.set(p, await loaders[p]!());
}

/** The provider's key rules, once loadKeyRules has loaded them; undefined for a provider without rules. */
export function keyRulesOf(provider: string): KeyRules | undefined {
  if (!Object.hasOwn(loaders, provider)) return undefined;
  const r = loaded.get(provider);
  if (r === undefined) throw new Error('internal: a provider\'s key rules were used before they were loaded');
  return r;
}
