// The azurekv provider through the real @azure/keyvault-* SDKs and @azure/identity against a loopback
// Key Vault (HTTPS, bearer challenge) and a loopback Entra ID token endpoint (test/servers/azurekv).

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '../../src/providers/azurekv/index.js';
import { authorityHost } from '../../src/providers/azurekv/connection.js';
import { readStore } from '../../src/providers/azurekv/store-config.js';
import { NoSecretError, ProviderError } from '../../src/providers/types.js';
import type { SecretsClient } from '../../src/providers/types.js';
import { makeProviderContext, type TestContext } from '../helpers/provider-context.js';
import { makeTestTls } from '../servers/tls-ca.js';
import { startTokenServer, type TokenServer } from '../servers/azurekv/token-server.js';
import { startVaultServer, type VaultContents, type VaultServer } from '../servers/azurekv/vault-server.js';

const TENANT = '72f988bf-0000-4000-8000-2d7cd011db47';
const VAULT_HOST = 'test-vault.vault.azure.net';
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const mapText = (m: Map<string, Uint8Array>) => Object.fromEntries([...m].map(([k, v]) => [k, text(v)]));

const tls = makeTestTls([VAULT_HOST]);
const certDer = Buffer.from(tls.certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }) as { n: string; e: string };
const DB_JSON = '{"user":"admin","password":"s3cr3t-kv","a.b":"literal","a":{"b":"nested"},"port":5432,"nil":null}';

function contents(): VaultContents {
  return {
    secrets: {
      'db-creds': [
        { version: 'v1', value: '{"user":"old"}' },
        { version: 'v2', value: DB_JSON, tags: { env: 'prod', team: 'core' } },
      ],
      plain: [{ version: 'p1', value: 'hunter2-kv' }],
      tagged: [
        {
          version: 't1',
          value: 'tagged-value',
          tags: { owner: 'team<a>', config: '{"region":"westeurope","tier":"gold"}' },
          attributes: { created: 1_700_000_000, updated: 1_700_000_060, exp: 1_900_000_000 },
        },
      ],
      'app-one': [{ version: 'a1', value: 'one', tags: { env: 'prod' } }],
      'app-two': [{ version: 'a2', value: 'two', tags: { env: 'dev' } }],
      'app-off': [{ version: 'a3', value: 'off', tags: { env: 'prod' }, attributes: { enabled: false } }],
      'other-three': [{ version: 'a4', value: 'three', tags: { env: 'prod' } }],
    },
    certificates: { 'tls-cert': [{ version: 'c1', cer: certDer, tags: { purpose: 'ingress' } }] },
    keys: { 'rsa-key': [{ version: 'k1', key: { kty: 'RSA', key_ops: ['encrypt', 'decrypt'], n: rsa.n, e: rsa.e } }] },
  };
}

let token: TokenServer;
let vault: VaultServer;
let dir: string;
let clients: SecretsClient[] = [];
const saved = { ...process.env };

beforeAll(async () => {
  token = await startTokenServer({
    tls,
    tenantId: TENANT,
    clientSecrets: { 'sp-client': 'sp-client-secret' },
    clientAssertions: { 'wi-client': 'federated-sa-token' },
    managedIdentityHeader: 'msi-header-value',
    clientCertificates: { 'cert-client': tls.certPem },
  });
  vault = await startVaultServer({ tls, vaultHost: VAULT_HOST, tenantId: TENANT, contents: contents(), validTokens: token.issued, pageSize: 2 });
  dir = mkdtempSync(path.join(tmpdir(), 'azurekv-'));
  writeFileSync(path.join(dir, 'ca.pem'), tls.caPem);
  writeFileSync(path.join(dir, 'token'), 'federated-sa-token');
  process.env['ESO_RENDER_AZUREKV_CA_FILE'] = path.join(dir, 'ca.pem');
  process.env['ESO_RENDER_AZUREKV_VAULT_ADDRESS'] = '127.0.0.1';
  process.env['AZURE_AUTHORITY_HOST'] = token.authorityHost;
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close?.()));
  clients = [];
  vault.requests.length = 0;
  vault.faults.length = 0;
  token.requests.length = 0;
});

afterAll(async () => {
  await vault?.stop();
  await token?.stop();
  rmSync(dir, { recursive: true, force: true });
  process.env = saved;
});

const SP_CREDENTIALS = { 'platform/azure-sp/client-id': 'sp-client', 'platform/azure-sp/client-secret': 'sp-client-secret' };

function spSpec(extra: Record<string, unknown> = {}) {
  return {
    vaultUrl: vault.vaultUrl,
    tenantId: TENANT,
    authType: 'ServicePrincipal',
    authSecretRef: {
      clientId: { name: 'azure-sp', key: 'client-id', namespace: 'platform' },
      clientSecret: { name: 'azure-sp', key: 'client-secret', namespace: 'platform' },
    },
    ...extra,
  };
}

async function open(
  spec: Record<string, unknown> = spSpec(),
  credentials: Record<string, string> = SP_CREDENTIALS,
  more: Partial<Parameters<typeof makeProviderContext>[0]> = {},
): Promise<{ client: SecretsClient; ctx: TestContext }> {
  const ctx = makeProviderContext({ provider: 'azurekv', spec, kind: 'ClusterSecretStore', name: 'azure-store', credentials, ...more });
  const client = await createClient(ctx);
  clients.push(client);
  return { client, ctx };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

const authorizedGets = (p: string) => vault.requests.filter((r) => r.authorized && (r.path === p || (p.endsWith('/') && r.path === p.slice(0, -1))));

describe('azurekv service principal and the bearer challenge', () => {
  it('answers the challenge with a client-credentials token for the vault resource', async () => {
    const { client, ctx } = await open();
    expect(text(await client.getSecret({ key: 'plain' }))).toBe('hunter2-kv');
    // First the unauthenticated probe (401 + WWW-Authenticate), then the same GET with the token.
    expect(vault.requests.map((r) => [r.path, r.status])).toEqual([
      ['/secrets/plain/', 401],
      ['/secrets/plain/', 200],
    ]);
    const tokenReq = token.requests.find((r) => r.grantType);
    expect(tokenReq).toMatchObject({ grantType: 'client_credentials', clientId: 'sp-client', scope: 'https://vault.azure.net/.default' });
    expect(ctx.requests).toBe(vault.requests.length);
  });

  it('reports a rejected client secret without revealing it', async () => {
    const { client } = await open(spSpec(), { ...SP_CREDENTIALS, 'platform/azure-sp/client-secret': 'wrong-secret-value' });
    const e = await failure(client.getSecret({ key: 'plain' }));
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.message).toContain('ClusterSecretStore/azure-store');
    expect(e.message).toContain('secret plain');
    expect(e.message).toContain('AADSTS7000215');
    expect(e.message).not.toContain('wrong-secret-value');
    expect(e.message).not.toContain('hunter2');
  });

  it('authenticates with a client certificate (a signed client assertion)', async () => {
    const spec = spSpec({
      authSecretRef: {
        clientId: { name: 'azure-sp', key: 'client-id', namespace: 'platform' },
        clientCertificate: { name: 'azure-sp', key: 'client.pem', namespace: 'platform' },
      },
    });
    const { client } = await open(spec, { 'platform/azure-sp/client-id': 'cert-client', 'platform/azure-sp/client.pem': tls.certPem + tls.keyPem });
    expect(text(await client.getSecret({ key: 'plain' }))).toBe('hunter2-kv');
    expect(token.requests.find((r) => r.grantType)).toMatchObject({
      clientId: 'cert-client',
      assertionType: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    });
  });

  it('refuses both clientSecret and clientCertificate', async () => {
    const spec = spSpec();
    (spec.authSecretRef as Record<string, unknown>)['clientCertificate'] = { name: 'azure-sp', key: 'client.pem', namespace: 'platform' };
    await expect(open(spec)).rejects.toThrow('both clientSecret and clientCertificate set');
  });

  it('requires tenantId for ServicePrincipal, as ESO does', async () => {
    const spec = spSpec();
    delete (spec as Record<string, unknown>)['tenantId'];
    await expect(open(spec)).rejects.toThrow('ClusterSecretStore/azure-store: missing tenantID in store config');
  });

  it('reports a missing credential by reference', async () => {
    const e = await failure(open(spSpec(), { 'platform/azure-sp/client-id': 'sp-client' }));
    expect(e.message).toContain('platform/azure-sp key client-secret not found');
  });
});

describe('azurekv getSecret', () => {
  it('reads secret/ (default prefix) at latest and at a version, one GET per unique version', async () => {
    const { client, ctx } = await open();
    const refs = [
      { key: 'db-creds', property: 'user' },
      { key: 'secret/db-creds', property: 'password' },
      { key: 'db-creds' },
      { key: 'db-creds', version: 'v1' },
      { key: 'db-creds', version: 'v1', property: 'user' },
    ];
    const values = await Promise.all([...refs, ...refs].map((r) => client.getSecret(r)));
    expect(values.slice(0, 5).map(text)).toEqual(['admin', 's3cr3t-kv', DB_JSON, '{"user":"old"}', 'old']);
    expect(authorizedGets('/secrets/db-creds/')).toHaveLength(1);
    expect(authorizedGets('/secrets/db-creds/v1')).toHaveLength(1);
    // Concurrent first reads wait for the one that answers the challenge: a single 401.
    expect(vault.requests.filter((r) => r.status === 401)).toHaveLength(1);
    expect(ctx.requests).toBe(3);
  });

  it('tries the gjson path first, then the escaped dotted key', async () => {
    const { client } = await open();
    const get = async (property: string) => text(await client.getSecret({ key: 'db-creds', property }));
    expect(await get('a.b')).toBe('nested');
    expect(await get('a')).toBe('{"b":"nested"}');
    expect(await get('port')).toBe('5432');
    expect(await get('nil')).toBe('');
    const e = await failure(client.getSecret({ key: 'db-creds', property: 'x.y' }));
    expect(e.message).toBe('ClusterSecretStore/azure-store: property x.y does not exist in key db-creds');
  });

  it('returns cert/ as the DER bytes of the certificate', async () => {
    const { client } = await open();
    const der = await client.getSecret({ key: 'cert/tls-cert' });
    expect(Buffer.from(der).equals(certDer)).toBe(true);
    expect(Buffer.from(await client.getSecret({ key: 'cert/tls-cert', version: 'c1' })).equals(certDer)).toBe(true);
  });

  it('returns key/ as JWK JSON in the legacy SDK member order, with property support', async () => {
    const { client } = await open();
    const kid = `${vault.vaultUrl}/keys/rsa-key/k1`;
    expect(text(await client.getSecret({ key: 'key/rsa-key' }))).toBe(
      `{"kid":"${kid}","kty":"RSA","key_ops":["encrypt","decrypt"],"n":"${rsa.n}","e":"${rsa.e}"}`,
    );
    expect(text(await client.getSecret({ key: 'key/rsa-key', property: 'e' }))).toBe('AQAB');
    expect(authorizedGets('/keys/rsa-key/')).toHaveLength(1);
  });

  it('sorts JWK members with useAzureSDK, as the azcore SDK marshals them', async () => {
    const { client } = await open(spSpec({ useAzureSDK: true }));
    const kid = `${vault.vaultUrl}/keys/rsa-key/k1`;
    expect(text(await client.getSecret({ key: 'key/rsa-key' }))).toBe(
      `{"e":"${rsa.e}","key_ops":["encrypt","decrypt"],"kid":"${kid}","kty":"RSA","n":"${rsa.n}"}`,
    );
  });

  it('maps 404 to NoSecretError for every object type', async () => {
    const { client } = await open();
    await expect(client.getSecret({ key: 'missing' })).rejects.toBeInstanceOf(NoSecretError);
    await expect(client.getSecret({ key: 'db-creds', version: 'nope' })).rejects.toBeInstanceOf(NoSecretError);
    await expect(client.getSecret({ key: 'cert/missing' })).rejects.toBeInstanceOf(NoSecretError);
    await expect(client.getSecret({ key: 'key/missing' })).rejects.toBeInstanceOf(NoSecretError);
  });

  it('rejects an unknown object type', async () => {
    const { client } = await open();
    await expect(client.getSecret({ key: 'blob/x' })).rejects.toThrow(/unknown Azure Keyvault object Type for x/);
  });

  it('names store, key, vault and HTTP status on 403, never the value', async () => {
    vault.faults.push({ match: '/secrets/plain', status: 403, code: 'Forbidden', message: 'The user does not have secrets get permission on key vault test-vault.' });
    const { client } = await open();
    const e = await failure(client.getSecret({ key: 'plain' }));
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.message).toContain('ClusterSecretStore/azure-store: unable to get secret plain version latest');
    expect(e.message).toContain(vault.vaultUrl);
    expect(e.message).toContain('HTTP 403 Forbidden');
    expect(e.message).not.toContain('hunter2');
  });

  it('retries 503 and 429 and counts each retry', async () => {
    vault.faults.push({ match: '/secrets/plain', status: 503, code: 'ServiceUnavailable', times: 1 });
    vault.faults.push({ match: '/secrets/plain', status: 429, code: 'Throttled', times: 1 });
    const { client, ctx } = await open();
    expect(text(await client.getSecret({ key: 'plain' }))).toBe('hunter2-kv');
    expect(ctx.retries).toBe(2);
    expect(ctx.requests).toBe(vault.requests.length);
  });
});

describe('azurekv getSecretMap (dataFrom.extract)', () => {
  it('flattens a JSON secret with raw-preserving rules', async () => {
    const { client } = await open();
    expect(mapText(await client.getSecretMap({ key: 'db-creds' }))).toEqual({
      user: 'admin',
      password: 's3cr3t-kv',
      'a.b': 'literal',
      a: '{"b":"nested"}',
      port: '5432',
      nil: '',
    });
  });

  it('refuses cert/ and key/ and non-JSON secrets without quoting them', async () => {
    const { client } = await open();
    await expect(client.getSecretMap({ key: 'cert/tls-cert' })).rejects.toThrow(/cannot get use dataFrom to get certificate secret/);
    await expect(client.getSecretMap({ key: 'key/rsa-key' })).rejects.toThrow(/cannot get use dataFrom to get key secret/);
    const e = await failure(client.getSecretMap({ key: 'plain' }));
    expect(e.message).toContain('secret plain: error unmarshalling json data');
    expect(e.message).not.toContain('hunter2');
  });
});

describe('azurekv metadataPolicy Fetch', () => {
  it('returns tags plus attribute times (legacy SDK path)', async () => {
    const { client } = await open();
    expect(text(await client.getSecret({ key: 'tagged', metadataPolicy: 'Fetch' }))).toBe(
      '{"attribute.created":"2023-11-14T22:13:20Z","attribute.expires":"2030-03-17T17:46:40Z","attribute.updated":"2023-11-14T22:14:20Z",' +
        '"config":"{\\"region\\":\\"westeurope\\",\\"tier\\":\\"gold\\"}","owner":"team\\u003ca\\u003e"}',
    );
    expect(text(await client.getSecret({ key: 'tagged', metadataPolicy: 'Fetch', property: 'owner' }))).toBe('team<a>');
    expect(text(await client.getSecret({ key: 'tagged', metadataPolicy: 'Fetch', property: 'config.tier' }))).toBe('gold');
    expect(text(await client.getSecret({ key: 'tagged', metadataPolicy: 'Fetch', property: 'attribute.expires' }))).toBe('2030-03-17T17:46:40Z');
    await expect(client.getSecret({ key: 'tagged', metadataPolicy: 'Fetch', property: 'nope' })).rejects.toThrow('tag nope does not exist');
    expect(text(await client.getSecret({ key: 'cert/tls-cert', metadataPolicy: 'Fetch', property: 'purpose' }))).toBe('ingress');
    expect(authorizedGets('/secrets/tagged/')).toHaveLength(1);
  });

  it('returns tags only with useAzureSDK', async () => {
    const { client } = await open(spSpec({ useAzureSDK: true }));
    expect(text(await client.getSecret({ key: 'tagged', metadataPolicy: 'Fetch' }))).toBe(
      '{"config":"{\\"region\\":\\"westeurope\\",\\"tier\\":\\"gold\\"}","owner":"team\\u003ca\\u003e"}',
    );
  });

  it('extract with Fetch gives <name>_<tag> keys, flattening JSON tags', async () => {
    const { client } = await open();
    expect(mapText(await client.getSecretMap({ key: 'tagged', metadataPolicy: 'Fetch' }))).toEqual({
      tagged_owner: 'team<a>',
      tagged_config_region: 'westeurope',
      tagged_config_tier: 'gold',
      'tagged_attribute.created': '2023-11-14T22:13:20Z',
      'tagged_attribute.updated': '2023-11-14T22:14:20Z',
      'tagged_attribute.expires': '2030-03-17T17:46:40Z',
    });
    expect(mapText(await client.getSecretMap({ key: 'tagged', metadataPolicy: 'Fetch', property: 'owner' }))).toEqual({ tagged_owner: 'team<a>' });
    expect(authorizedGets('/secrets/tagged/')).toHaveLength(1);
  });
});

describe('azurekv getAllSecrets (dataFrom.find)', () => {
  it('lists every page, skips disabled secrets and matches the name regexp', async () => {
    const { client, ctx } = await open();
    const found = await client.getAllSecrets({ name: { regexp: '^app-' } });
    expect(mapText(found)).toEqual({ 'app-one': 'one', 'app-two': 'two' });
    const lists = vault.requests.filter((r) => r.authorized && r.path === '/secrets');
    expect(lists).toHaveLength(4); // 7 secrets in pages of 2
    expect(authorizedGets('/secrets/app-off/')).toHaveLength(0);
    expect(ctx.requests).toBe(vault.requests.length);
  });

  it('matches tags exactly and keeps the secret names as keys', async () => {
    const { client } = await open();
    expect(mapText(await client.getAllSecrets({ tags: { env: 'prod' } }))).toEqual({ 'app-one': 'one', 'db-creds': DB_JSON, 'other-three': 'three' });
    expect(mapText(await client.getAllSecrets({ tags: { env: 'prod', team: 'core' } }))).toEqual({ 'db-creds': DB_JSON });
  });

  it('shares reads with data refs of the same run', async () => {
    const { client } = await open();
    await client.getSecret({ key: 'app-one' });
    await client.getAllSecrets({ name: { regexp: 'one$' } });
    expect(authorizedGets('/secrets/app-one/')).toHaveLength(1);
  });

  it('reports a list failure with the store and status', async () => {
    vault.faults.push({ match: '/secrets', status: 403, code: 'Forbidden', message: 'no list permission' });
    const { client } = await open();
    const e = await failure(client.getAllSecrets({ name: { regexp: '.*' } }));
    expect(e.message).toContain('ClusterSecretStore/azure-store: failed to list secrets');
    expect(e.message).toContain('HTTP 403');
  });
});

describe('azurekv workload identity', () => {
  it('exchanges the federated token for the client ID annotated on the ServiceAccount', async () => {
    process.env['AZURE_FEDERATED_TOKEN_FILE'] = path.join(dir, 'token');
    try {
      const { client } = await open(
        { vaultUrl: vault.vaultUrl, authType: 'WorkloadIdentity', tenantId: TENANT, serviceAccountRef: { name: 'eso', namespace: 'platform' } },
        {},
        {
          serviceAccounts: [
            { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'eso', namespace: 'platform', annotations: { 'azure.workload.identity/client-id': 'wi-client' } } },
          ],
        },
      );
      expect(text(await client.getSecret({ key: 'plain' }))).toBe('hunter2-kv');
      expect(token.requests.find((r) => r.grantType)).toMatchObject({
        clientId: 'wi-client',
        assertionType: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      });
    } finally {
      delete process.env['AZURE_FEDERATED_TOKEN_FILE'];
    }
  });

  it('explains what is missing without a token file', async () => {
    await expect(open({ vaultUrl: vault.vaultUrl, authType: 'WorkloadIdentity', tenantId: TENANT }, {})).rejects.toThrow(/AZURE_FEDERATED_TOKEN_FILE/);
  });
});

describe('azurekv managed identity', () => {
  it('gets a token for the vault resource from the managed identity endpoint', async () => {
    process.env['IDENTITY_ENDPOINT'] = `${token.authorityHost}/msi/token`;
    process.env['IDENTITY_HEADER'] = 'msi-header-value';
    try {
      const { client } = await open({ vaultUrl: vault.vaultUrl, authType: 'ManagedIdentity', identityId: 'user-assigned-id' }, {});
      expect(text(await client.getSecret({ key: 'plain' }))).toBe('hunter2-kv');
      expect(token.requests).toContainEqual({ path: '/msi/token', resource: 'https://vault.azure.net', clientId: 'user-assigned-id' });
    } finally {
      delete process.env['IDENTITY_ENDPOINT'];
      delete process.env['IDENTITY_HEADER'];
    }
  });
});

describe('azurekv authority host', () => {
  it('follows environmentType, customCloudConfig (useAzureSDK) and AZURE_AUTHORITY_HOST', () => {
    const env = process.env['AZURE_AUTHORITY_HOST'];
    delete process.env['AZURE_AUTHORITY_HOST'];
    try {
      const host = (spec: Record<string, unknown>) => authorityHost(readStore({ vaultUrl: 'https://v.vault.azure.net', ...spec }), 'x');
      expect(host({})).toBe('https://login.microsoftonline.com/');
      expect(host({ environmentType: 'ChinaCloud' })).toBe('https://login.chinacloudapi.cn/');
      expect(host({ environmentType: 'USGovernmentCloud' })).toBe('https://login.microsoftonline.us/');
      expect(host({ useAzureSDK: true, environmentType: 'AzureStackCloud', customCloudConfig: { activeDirectoryEndpoint: 'https://adfs.local/' } })).toBe('https://adfs.local/');
      expect(() => host({ useAzureSDK: true, environmentType: 'GermanCloud' })).toThrow(/discontinued/);
      process.env['AZURE_AUTHORITY_HOST'] = 'https://login.example.test/';
      expect(host({ environmentType: 'ChinaCloud' })).toBe('https://login.example.test/');
    } finally {
      if (env === undefined) delete process.env['AZURE_AUTHORITY_HOST'];
      else process.env['AZURE_AUTHORITY_HOST'] = env;
    }
  });
});

describe('azurekv store validation', () => {
  it('rejects a non-https vault URL and custom clouds without useAzureSDK', async () => {
    await expect(open({ ...spSpec(), vaultUrl: 'http://127.0.0.1:1' })).rejects.toThrow(/vaultUrl must be an https URL/);
    await expect(open(spSpec({ customCloudConfig: { activeDirectoryEndpoint: 'https://login.example' } }))).rejects.toThrow(/requires UseAzureSDK/);
  });
});
