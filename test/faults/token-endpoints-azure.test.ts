// Fault injection at Azure's token endpoint: the loopback Entra ID (OpenID configuration and the v2.0
// token endpoint, client credentials) behind the fault proxy, the loopback Key Vault direct, the real
// @azure/identity (MSAL) and Key Vault SDKs in the built CLI. Every fault persistent and transient; the
// judge counts requests and never times the run (see token-harness.ts).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestTls } from '../servers/tls-ca.js';
import { startTokenServer, type TokenServer } from '../servers/azurekv/token-server.js';
import { startVaultServer, type VaultServer } from '../servers/azurekv/vault-server.js';
import { startFaultProxy, type SeenRequest } from '../helpers/fault-proxy.js';
import { parseManifests } from '../../src/frontends/stream.js';
import type { Read } from './harness.js';
import { routePlan, tokenMatrix } from './token-harness.js';

const TENANT = '5f0c1a2b-0000-4000-8000-fa0175000002';
const VAULT_HOST = 'token-faults-kv.vault.azure.net';
const VALUES = ['azure-tok-pw-Kq7d2', 'azure-tok-api-Wm4s8', 'azure-tok-cfg-Pz1c5'];
const SP = { clientId: 'token-fault-sp-app', clientSecret: 'token-fault-sp-secret-Hr6u3Lx9' };

const tls = makeTestTls([VAULT_HOST]);
let token: TokenServer;
let vault: VaultServer;
let dir: string;

const stream = () => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: azure, namespace: apps}
spec:
  provider:
    azurekv:
      tenantId: "${TENANT}"
      vaultUrl: "https://${VAULT_HOST}:${vault.port}"
      authSecretRef:
        clientId: {name: azure-sp, key: ClientID}
        clientSecret: {name: azure-sp, key: ClientSecret}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db-credentials, namespace: apps}
spec:
  secretStoreRef: {name: azure, kind: SecretStore}
  data:
  - {secretKey: password, remoteRef: {key: db-credentials, property: password}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: api-token, namespace: apps}
spec:
  secretStoreRef: {name: azure, kind: SecretStore}
  data:
  - {secretKey: token, remoteRef: {key: api-token}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: app-config, namespace: apps}
spec:
  secretStoreRef: {name: azure, kind: SecretStore}
  dataFrom:
  - extract: {key: app-config}
`;

const READS: Read[] = [
  { externalSecret: 'db-credentials', field: 'spec.data[0]', store: 'azure', key: 'db-credentials' },
  { externalSecret: 'api-token', field: 'spec.data[0]', store: 'azure', key: 'api-token' },
  { externalSecret: 'app-config', field: 'spec.dataFrom[0]', store: 'azure', key: 'app-config' },
];

beforeAll(async () => {
  token = await startTokenServer({ tls, tenantId: TENANT, clientSecrets: { [SP.clientId]: SP.clientSecret } });
  vault = await startVaultServer({
    tls,
    vaultHost: VAULT_HOST,
    tenantId: TENANT,
    validTokens: token.issued,
    contents: {
      secrets: {
        'db-credentials': [{ version: 'v1', value: JSON.stringify({ username: 'shop', password: VALUES[0] }) }],
        'api-token': [{ version: 'v1', value: VALUES[1] }],
        'app-config': [{ version: 'v1', value: JSON.stringify({ CONFIG: VALUES[2], MODE: 'prod' }) }],
      },
      certificates: {},
      keys: {},
    },
  });
  dir = mkdtempSync(path.join(tmpdir(), 'token-faults-azure-'));
  writeFileSync(path.join(dir, 'ca.pem'), tls.caPem);
  mkdirSync(path.join(dir, 'creds', 'apps', 'azure-sp'), { recursive: true });
  writeFileSync(path.join(dir, 'creds', 'apps', 'azure-sp', 'ClientID'), SP.clientId);
  writeFileSync(path.join(dir, 'creds', 'apps', 'azure-sp', 'ClientSecret'), SP.clientSecret);
});

afterAll(async () => {
  await vault?.stop();
  await token?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The token request itself (POST …/oauth2/v2.0/token), and the OpenID configuration MSAL reads first.
const ROUTES = [
  { route: 'token request', hits: (req: SeenRequest) => req.method === 'POST' && req.url.split('?')[0]!.endsWith('/oauth2/v2.0/token') },
  { route: 'OpenID configuration', hits: (req: SeenRequest) => req.method === 'GET' && req.url.includes('/.well-known/openid-configuration') },
];

for (const { route, hits } of ROUTES) describe.concurrent(`Azure: faults at the Entra ID ${route}, Key Vault healthy`, () => {
  tokenMatrix(
    {
      backend: `Azure Key Vault (Entra ID ${route} behind the fault proxy)`,
      store: 'SecretStore/apps/azure',
      // A token request that failed, or the deadline passing while the token endpoint had not answered.
      step: /getting a token from the Entra ID token endpoint \(ServicePrincipal\) failed: |deadline exceeded before the Entra ID token endpoint \(ServicePrincipal\) answered/,
      reads: READS,
      values: VALUES,
      persistentDeadlineMs: 12_000,
      transientDeadlineMs: 25_000,
      // Each read tries 5 times (the provider's retry), each try's token request is tried up to 4 times by
      // the identity library (1 + its 3 retries), and MSAL asks for the OpenID configuration before the
      // token: 3 reads x 5 x 4 x 2.
      persistentCeiling: { requests: 3 * 5 * 4 * 2, why: '3 reads x 5 provider attempts x 4 identity-library attempts x (OpenID configuration + token)' },
      // A faulted token request may be asked again by each of the 3 reads waiting on it.
      extraPerFaulted: 3,
      rig: async (s, mode) => {
        const plan = routePlan(s, mode, hits);
        const proxy = await startFaultProxy({ upstream: token.authorityHost, upstreamCa: tls.caPem, tls, plan });
        const issuedBefore = new Set(token.issued);
        return {
          env: {
            ESO_RENDER_AZUREKV_CA_FILE: path.join(dir, 'ca.pem'),
            ESO_RENDER_AZUREKV_VAULT_ADDRESS: '127.0.0.1',
            AZURE_AUTHORITY_HOST: proxy.url,
            ESO_RENDER_REQUEST_TIMEOUT: '2s',
          },
          extraArgs: ['--credentials-dir', path.join(dir, 'creds')],
          stdin: stream(),
          tokenRequests: () => proxy.log.length,
          faulted: () => proxy.faulted(),
          log: () => proxy.log,
          secrets: () => [SP.clientSecret, ...[...token.issued].filter((t) => !issuedBefore.has(t))],
          stop: () => proxy.stop(),
        };
      },
      checkBaseline: (stdout) => {
        const secrets = parseManifests(stdout).filter((i) => i.object.kind === 'Secret');
        expect(secrets.map((x) => x.object.metadata?.name)).toEqual(['db-credentials', 'api-token', 'app-config']);
        const decoded = secrets.flatMap((x) => Object.values(x.object.data as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString('utf8')));
        for (const v of VALUES) expect(decoded).toContain(v);
      },
    },
    { beforeAll, afterAll, it, expect },
  );
});
