// Doppler provider units: the API base read from ESO_RENDER_DOPPLER_API_ADDRESS (as ESO's SetBaseURL reads
// DOPPLER_BASE_URL), the key rule on the `secrets` list, and ESO's store checks.

import { describe, expect, it } from 'vitest';
import { apiBase, API_ADDRESS_ENV } from '../../src/providers/doppler/http.js';
import { dopplerKeyRules } from '../../src/providers/doppler/key-rules.js';
import { checkSelectorScope, checkStore, readStore } from '../../src/providers/doppler/store-config.js';

describe('ESO_RENDER_DOPPLER_API_ADDRESS', () => {
  it("defaults to ESO's https://api.doppler.com; a trailing / is dropped, https is the default scheme, a path prefix stays", () => {
    expect(apiBase({}).href).toBe('https://api.doppler.com/');
    expect(apiBase({ [API_ADDRESS_ENV]: '  ' }).href).toBe('https://api.doppler.com/');
    expect(apiBase({ [API_ADDRESS_ENV]: 'doppler-relay.internal:8443' }).href).toBe('https://doppler-relay.internal:8443/');
    expect(apiBase({ [API_ADDRESS_ENV]: 'http://127.0.0.1:8080/' }).href).toBe('http://127.0.0.1:8080/');
    expect(apiBase({ [API_ADDRESS_ENV]: 'https://egress.internal/doppler/' }).pathname).toBe('/doppler');
  });

  it('refuses other schemes, queries, fragments and user info, naming the variable', () => {
    for (const bad of ['ftp://x', 'https://x/?a=1', 'https://x/#f', 'https://user:pw@x', 'http://']) {
      expect(() => apiBase({ [API_ADDRESS_ENV]: bad }), bad).toThrow(API_ADDRESS_ENV);
    }
  });
});

describe('doppler key rules', () => {
  it('refuses empty keys, commas and control characters; accepts any other name (never part of a path)', () => {
    for (const bad of ['', 'A,B', 'A\nB', 'A\u2028']) expect(dopplerKeyRules.ref({ key: bad }).map((p) => p.field), JSON.stringify(bad)).toEqual(['key']);
    for (const ok of ['DB_URL', 'db/../x', 'a b', 'ünïcode']) expect(dopplerKeyRules.ref({ key: ok })).toEqual([]);
    expect(dopplerKeyRules.find({ path: '../x' })).toEqual([]);
  });
});

describe('doppler store checks', () => {
  it("ESO's wording, the CRD's exactly-one rule, and the default token key", () => {
    expect(checkStore({})).toEqual([{ field: 'auth', message: 'is required' }]);
    expect(checkStore({ auth: {} })[0]!.message).toBe("Exactly one of 'secretRef' or 'oidcConfig' must be specified");
    expect(checkStore({ auth: { secretRef: { dopplerToken: { name: 't' } }, oidcConfig: { identity: 'i', serviceAccountRef: { name: 's' } } } })[0]!.message).toBe(
      "Exactly one of 'secretRef' or 'oidcConfig' must be specified",
    );
    expect(checkStore({ auth: { oidcConfig: { identity: 'i', serviceAccountRef: {} } } })[0]!.message).toBe('invalid store: oidcConfig.serviceAccountRef.name cannot be empty');
    expect(checkStore({ auth: { secretRef: { dopplerToken: { name: 't' } } } })).toEqual([]);
    expect(readStore({ auth: { secretRef: { dopplerToken: { name: 't' } } }, project: 'p', config: 'c' })).toEqual({ token: { name: 't', key: 'dopplerToken' }, oidc: false, project: 'p', config: 'c', nameTransformer: '', format: '' });
    expect(checkSelectorScope('ClusterSecretStore', undefined, { name: 't', key: 'k' })).toBe('invalid store: cluster scope requires namespace');
    expect(checkSelectorScope('SecretStore', 'apps', { name: 't', key: 'k', namespace: 'apps' })).toBeUndefined();
  });
});
