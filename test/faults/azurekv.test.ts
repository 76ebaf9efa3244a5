// Fault injection, Azure Key Vault: the loopback HTTPS Key Vault behind the fault proxy (which terminates
// TLS with the vault's own test certificate), the real SDKs in the built CLI, the token endpoint direct.
// Each fault transient (first 2 requests) and persistent (every request): recovered with the fault-free
// output, or failed clean.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestTls } from '../servers/tls-ca.js';
import { startTokenServer, type TokenServer } from '../servers/azurekv/token-server.js';
import { startVaultServer, type VaultServer } from '../servers/azurekv/vault-server.js';
import { always, faults, firstN, startFaultProxy } from '../helpers/fault-proxy.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { faultMatrix, httpFaultScenarios, judgePartial, runCli, type HttpScenario, type Read } from './harness.js';

const TENANT = '5f0c1a2b-0000-4000-8000-fa0175000001';
const VAULT_HOST = 'faults-kv.vault.azure.net';
const DEADLINE_MS = 5_000;
// A short per-request timeout, so a stuck or dribbling request is retried well inside the deadline.
const REQUEST_TIMEOUT = { ESO_RENDER_REQUEST_TIMEOUT: '2s' };
const VALUES = ['azure-pw-Gd2x8', 'azure-token-Nh5b1', 'azure-cfg-Rs9j4'];
const SP = { clientId: 'fault-sp-app', clientSecret: 'fault-sp-secret-Yt3k6' };

const tls = makeTestTls([VAULT_HOST]);
let token: TokenServer;
let vault: VaultServer;
let dir: string;

const stream = (vaultUrl: string) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: azure, namespace: apps}
spec:
  provider:
    azurekv:
      tenantId: "${TENANT}"
      vaultUrl: "${vaultUrl}"
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
  - {secretKey: username, remoteRef: {key: db-credentials, property: username}}
  - {secretKey: password, remoteRef: {key: db-credentials, property: password}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: api-token, namespace: apps}
spec:
  secretStoreRef: {name: azure, kind: SecretStore}
  data:
  - {secretKey: token, remoteRef: {key: secret/api-token}}
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
  { externalSecret: 'db-credentials', field: 'spec.data[1]', store: 'azure', key: 'db-credentials' },
  { externalSecret: 'api-token', field: 'spec.data[0]', store: 'azure', key: 'secret/api-token' },
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
  dir = mkdtempSync(path.join(tmpdir(), 'faults-azurekv-'));
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

const SCENARIOS: HttpScenario[] = httpFaultScenarios();

describe.concurrent('Azure Key Vault under faults, through the built CLI', () => {
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: 'Azure Key Vault (loopback HTTPS, service principal)',
      scenarios: SCENARIOS,
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: [...VALUES, SP.clientSecret],
      stream: () => stream(`https://${VAULT_HOST}:1`),
      rig: async (s, mode) => {
        const plan = s ? (mode === 'every request' ? always(s.make) : firstN(2, s.make)) : undefined;
        const proxy = await startFaultProxy({ upstream: `https://127.0.0.1:${vault.port}`, upstreamCa: tls.caPem, upstreamServername: VAULT_HOST, tls, plan });
        return {
          env: {
            ESO_RENDER_AZUREKV_CA_FILE: path.join(dir, 'ca.pem'),
            ESO_RENDER_AZUREKV_VAULT_ADDRESS: '127.0.0.1',
            AZURE_AUTHORITY_HOST: token.authorityHost,
            ...REQUEST_TIMEOUT,
          },
          extraArgs: ['--credentials-dir', path.join(dir, 'creds')],
          stdin: stream(`https://${VAULT_HOST}:${proxy.port}`),
          faulted: () => proxy.faulted(),
          seen: () => proxy.log.length,
          log: () => proxy.log,
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

  it('one secret failing, the rest healthy: nothing on stdout, only that read named', async () => {
    const proxy = await startFaultProxy({
      upstream: `https://127.0.0.1:${vault.port}`,
      upstreamCa: tls.caPem,
      upstreamServername: VAULT_HOST,
      tls,
      plan: (req) => (req.url.startsWith('/secrets/api-token') ? faults.http503() : undefined),
    });
    try {
      const env = { ESO_RENDER_AZUREKV_CA_FILE: path.join(dir, 'ca.pem'), ESO_RENDER_AZUREKV_VAULT_ADDRESS: '127.0.0.1', AZURE_AUTHORITY_HOST: token.authorityHost };
      const r = await limit(() =>
        runCli(['render', '--deadline', `${DEADLINE_MS}ms`, '--log-format', 'json', '--credentials-dir', path.join(dir, 'creds')], stream(`https://${VAULT_HOST}:${proxy.port}`), env, DEADLINE_MS + 30_000),
      );
      const problems = judgePartial(r, { baseline: baseline(), failing: READS.filter((x) => x.externalSecret === 'api-token'), healthy: ['db-credentials', 'app-config'], deadlineMs: DEADLINE_MS, marginMs: marginMs(), values: [...VALUES, SP.clientSecret] });
      expect(proxy.faulted()).toBeGreaterThan(0);
      expect(problems, r.stderr).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});
