// End to end through the engine: ESO's Azure Key Vault seed example (a SecretStore with a service
// principal, an ExternalSecret reading a secret with and without the `secret/` prefix, a certificate,
// a key, a JSON secret by extract and secrets found by tags) against the loopback HTTPS Key Vault and
// token endpoint, through the real SDKs and the bearer challenge.

import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { render } from '../../src/engine/render.js';
import { defaultRenderOptions, type Item } from '../../src/engine/types.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { makeTestTls } from '../servers/tls-ca.js';
import { startTokenServer, type TokenServer } from '../servers/azurekv/token-server.js';
import { startVaultServer, type VaultServer } from '../servers/azurekv/vault-server.js';

const TENANT = 'd3bc2180-0000-4000-8000-154105743342';
const VAULT_HOST = 'my-keyvault-name.vault.azure.net';
const tls = makeTestTls([VAULT_HOST]);
const certDer = Buffer.from(tls.certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as { x: string; y: string };

let token: TokenServer;
let vault: VaultServer;
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  token = await startTokenServer({ tls, tenantId: TENANT, clientSecrets: { 'sp-app-id': 'sp-password' } });
  vault = await startVaultServer({
    tls,
    vaultHost: VAULT_HOST,
    tenantId: TENANT,
    validTokens: token.issued,
    contents: {
      secrets: {
        'dev-secret-test': [{ version: 'v1', value: 'dev-secret-value' }],
        'dev-secret-with-json': [{ version: 'j1', value: '{"foo":"bar","count":3,"nested":{"a":1}}' }],
        'team-db-password': [{ version: 't1', value: 'db-pass', tags: { team: 'checkout' } }],
        'team-api-key': [{ version: 't2', value: 'api-key', tags: { team: 'checkout' } }],
        'team-retired': [{ version: 't3', value: 'gone', tags: { team: 'checkout' }, attributes: { enabled: false } }],
        'other-team': [{ version: 't4', value: 'no', tags: { team: 'payments' } }],
      },
      certificates: { 'dev-cert-test': [{ version: 'c1', cer: certDer }] },
      keys: { 'dev-key-test': [{ version: 'k1', key: { kty: 'EC', crv: 'P-256', key_ops: ['verify'], x: jwk.x, y: jwk.y } }] },
    },
  });
  dir = mkdtempSync(path.join(tmpdir(), 'azurekv-e2e-'));
  writeFileSync(path.join(dir, 'ca.pem'), tls.caPem);
  mkdirSync(path.join(dir, 'creds', 'apps', 'azure-secret-sp'), { recursive: true });
  writeFileSync(path.join(dir, 'creds', 'apps', 'azure-secret-sp', 'ClientID'), 'sp-app-id');
  writeFileSync(path.join(dir, 'creds', 'apps', 'azure-secret-sp', 'ClientSecret'), 'sp-password\n');
  process.env['ESO_RENDER_AZUREKV_CA_FILE'] = path.join(dir, 'ca.pem');
  process.env['ESO_RENDER_AZUREKV_VAULT_ADDRESS'] = '127.0.0.1';
  process.env['AZURE_AUTHORITY_HOST'] = token.authorityHost;
});

afterAll(async () => {
  await vault?.stop();
  await token?.stop();
  rmSync(dir, { recursive: true, force: true });
  process.env = saved;
});

beforeEach(() => {
  vault.requests.length = 0;
  token.requests.length = 0;
});

const options = () => ({ ...defaultRenderOptions, credentialsDir: path.join(dir, 'creds') });

function secretData(items: Item[], name: string): Record<string, Buffer> {
  const s = items.find((i) => i.object.kind === 'Secret' && i.object.metadata?.name === name)!.object;
  return Object.fromEntries(Object.entries(s.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

const store = () => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: azure-store
  namespace: apps
spec:
  provider:
    azurekv:
      tenantId: "${TENANT}"
      vaultUrl: "${vault.vaultUrl}"
      authSecretRef:
        clientId:
          name: azure-secret-sp
          key: ClientID
        clientSecret:
          name: azure-secret-sp
          key: ClientSecret
`;

const EXAMPLE = `
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: example-external-secret
  namespace: apps
spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: SecretStore
    name: azure-store
  target:
    name: secret-to-be-created
    creationPolicy: Owner
  data:
  # name of the SECRET in the Azure KV (no prefix is by default a SECRET)
  - secretKey: dev-secret-test
    remoteRef:
      key: dev-secret-test
  # explicit type and name of secret in the Azure KV
  - secretKey: dev-another-secret-test
    remoteRef:
      key: secret/dev-secret-test
  # type/name of certificate in the Azure KV: the DER bytes
  - secretKey: dev-cert-test
    remoteRef:
      key: cert/dev-cert-test
  # type/name of the key in the Azure KV: JWK JSON
  - secretKey: dev-key-test
    remoteRef:
      key: key/dev-key-test
  dataFrom:
  - extract:
      key: dev-secret-with-json
  - find:
      tags:
        team: checkout
`;

describe('Azure Key Vault seed example, rendered', () => {
  it('secret, prefixed secret, certificate, key, extract and find by tags', async () => {
    const out = await render(parseManifests([store(), EXAMPLE].join('\n---\n')), options());
    if (!out.ok) throw new Error(out.results.map((r) => r.message).join('\n'));
    const data = secretData(out.items, 'secret-to-be-created');
    expect(Object.keys(data).sort()).toEqual(
      ['count', 'dev-another-secret-test', 'dev-cert-test', 'dev-key-test', 'dev-secret-test', 'foo', 'nested', 'team-api-key', 'team-db-password'].sort(),
    );
    expect(data['dev-secret-test']!.toString()).toBe('dev-secret-value');
    expect(data['dev-another-secret-test']!.toString()).toBe('dev-secret-value');
    expect(data['dev-cert-test']!.equals(certDer)).toBe(true);
    expect(data['dev-key-test']!.toString()).toBe(
      `{"kid":"${vault.vaultUrl}/keys/dev-key-test/k1","kty":"EC","key_ops":["verify"],"crv":"P-256","x":"${jwk.x}","y":"${jwk.y}"}`,
    );
    expect(data['foo']!.toString()).toBe('bar');
    expect(data['count']!.toString()).toBe('3');
    expect(data['nested']!.toString()).toBe('{"a":1}');
    expect(data['team-db-password']!.toString()).toBe('db-pass');
    expect(data['team-api-key']!.toString()).toBe('api-key');

    // dev-secret-test is fetched once for both entries; every request is counted, the three
    // bearer challenges (secrets, certificates, keys clients) included.
    const ok = vault.requests.filter((r) => r.status === 200).map((r) => r.path).sort();
    expect(ok).toEqual(
      [
        '/certificates/dev-cert-test/',
        '/keys/dev-key-test/',
        '/secrets',
        '/secrets',
        '/secrets',
        '/secrets/dev-secret-test/',
        '/secrets/dev-secret-with-json/',
        '/secrets/team-api-key/',
        '/secrets/team-db-password/',
      ].sort(),
    );
    expect(vault.requests.filter((r) => r.status === 401)).toHaveLength(3);
    expect(out.stats.requests).toEqual({ 'SecretStore/apps/azure-store': vault.requests.length });
    expect(token.requests.filter((r) => r.grantType === 'client_credentials').length).toBeGreaterThanOrEqual(1);
  });

  it('a missing secret fails the run with resource, field, store and key, and no value', async () => {
    const broken = EXAMPLE.replace('key: secret/dev-secret-test', 'key: secret/does-not-exist');
    const out = await render(parseManifests([store(), broken].join('\n---\n')), options());
    expect(out.ok).toBe(false);
    const err = out.results.find((r) => r.severity === 'error' && r.field?.path === 'spec.data[1]')!;
    expect(err.resourceRef).toMatchObject({ kind: 'ExternalSecret', name: 'example-external-secret', namespace: 'apps' });
    expect(JSON.stringify(err)).toContain('does-not-exist');
    expect(JSON.stringify(err)).toContain('SecretStore/apps/azure-store');
    for (const r of out.results) expect(JSON.stringify(r)).not.toMatch(/dev-secret-value|sp-password/);
  });
});
