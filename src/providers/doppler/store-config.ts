// The `spec.provider.doppler` block, read with ESO's field names and checked with ESO's wording
// (providers/v1/doppler/provider.go ValidateStore and the CRD's CEL rule on `auth`, ESO v2.9.0).

import type { SecretKeySelector } from '../types.js';
import { obj, str } from '../shared/spec-read.js';

export interface DopplerStoreConfig {
  /** auth.secretRef.dopplerToken, its key defaulted to `dopplerToken` as ESO does. */
  token?: SecretKeySelector;
  /** auth.oidcConfig is set (refused offline by createClient). */
  oidc: boolean;
  project: string;
  config: string;
  nameTransformer: string;
  format: string;
}

type Problem = { field: string; message: string };

/** ESO's default for auth.secretRef.dopplerToken.key (provider.go setupClientAuth). */
export const DEFAULT_TOKEN_KEY = 'dopplerToken';

export function checkStore(spec: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const auth = obj(spec['auth']);
  if (!auth) return [{ field: 'auth', message: 'is required' }];
  const hasRef = auth['secretRef'] !== undefined && auth['secretRef'] !== null;
  const hasOidc = auth['oidcConfig'] !== undefined && auth['oidcConfig'] !== null;
  // The CRD's x-kubernetes-validations rule on DopplerAuth (the API server refuses the store).
  if (hasRef === hasOidc) return [{ field: 'auth', message: "Exactly one of 'secretRef' or 'oidcConfig' must be specified" }];
  if (hasRef) {
    const ref = obj(obj(auth['secretRef'])?.['dopplerToken']);
    if (!str(ref?.['name'])) problems.push({ field: 'auth.secretRef.dopplerToken.name', message: 'invalid store: dopplerToken.name cannot be empty' });
  } else {
    const oidc = obj(auth['oidcConfig']);
    if (!str(oidc?.['identity'])) problems.push({ field: 'auth.oidcConfig.identity', message: 'invalid store: oidcConfig.identity cannot be empty' });
    else if (!str(obj(oidc?.['serviceAccountRef'])?.['name'])) {
      problems.push({ field: 'auth.oidcConfig.serviceAccountRef.name', message: 'invalid store: oidcConfig.serviceAccountRef.name cannot be empty' });
    }
  }
  return problems;
}

/**
 * esutils.ValidateSecretSelector for the token reference: a ClusterSecretStore's must name a namespace,
 * a SecretStore's may only name its own. Returns ESO's message, or undefined.
 */
export function checkSelectorScope(kind: string, storeNamespace: string | undefined, ref: SecretKeySelector): string | undefined {
  if (kind === 'ClusterSecretStore' && ref.namespace === undefined) return 'invalid store: cluster scope requires namespace';
  if (kind !== 'ClusterSecretStore' && ref.namespace !== undefined && ref.namespace !== storeNamespace) {
    return 'invalid store: namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore';
  }
  return undefined;
}

export function readStore(spec: Record<string, unknown>): DopplerStoreConfig {
  const auth = obj(spec['auth']) ?? {};
  const ref = obj(obj(auth['secretRef'])?.['dopplerToken']);
  let token: SecretKeySelector | undefined;
  if (ref && str(ref['name'])) {
    token = { name: ref['name'] as string, key: str(ref['key']) ?? DEFAULT_TOKEN_KEY };
    if (str(ref['namespace'])) token.namespace = ref['namespace'] as string;
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    ...(token ? { token } : {}),
    oidc: auth['oidcConfig'] !== undefined && auth['oidcConfig'] !== null,
    project: text(spec['project']),
    config: text(spec['config']),
    nameTransformer: text(spec['nameTransformer']),
    format: text(spec['format']),
  };
}
