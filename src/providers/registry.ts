// Maps a store's `spec.provider` key and a generator's kind to the module that implements it.
// Modules are imported on first use, so a run that only uses the fake store loads no cloud SDK.

import type { GeneratorModule, ProviderModule } from './types.js';

const providers: Record<string, () => Promise<ProviderModule>> = {
  fake: () => import('./fake/index.js'),
  aws: () => import('./aws/index.js' as string) as Promise<ProviderModule>,
  vault: () => import('./vault/index.js' as string) as Promise<ProviderModule>,
  gcpsm: () => import('./gcpsm/index.js' as string) as Promise<ProviderModule>,
  azurekv: () => import('./azurekv/index.js' as string) as Promise<ProviderModule>,
  onepassword: () => import('./onepassword/index.js' as string) as Promise<ProviderModule>,
  openBao: () => import('./openbao/index.js' as string) as Promise<ProviderModule>,
  kubernetes: () => import('./kubernetes/index.js' as string) as Promise<ProviderModule>,
  gitlab: () => import('./gitlab/index.js' as string) as Promise<ProviderModule>,
  doppler: () => import('./doppler/index.js' as string) as Promise<ProviderModule>,
  infisical: () => import('./infisical/index.js' as string) as Promise<ProviderModule>,
  bitwardensecretsmanager: () => import('./bitwarden/index.js' as string) as Promise<ProviderModule>,
  webhook: () => import('./webhook/index.js' as string) as Promise<ProviderModule>,
};

const generators: Record<string, () => Promise<GeneratorModule>> = {
  Fake: () => import('./fake/generator.js'),
  VaultDynamicSecret: () => import('./vault/generator-dynamic.js' as string) as Promise<GeneratorModule>,
  Webhook: () => import('./webhook/generator.js' as string) as Promise<GeneratorModule>,
};

export function providerNames(): string[] {
  return Object.keys(providers);
}

export function isKnownProvider(name: string): boolean {
  return Object.hasOwn(providers, name);
}

export function isKnownGenerator(kind: string): boolean {
  return Object.hasOwn(generators, kind);
}

export async function loadProvider(name: string): Promise<ProviderModule> {
  const load = providers[name];
  if (!load) throw new Error(`provider ${name} is not supported by eso-render`);
  return load();
}

export async function loadGenerator(kind: string): Promise<GeneratorModule> {
  const load = generators[kind];
  if (!load) throw new Error(`generator kind ${kind} is not supported by eso-render`);
  return load();
}
