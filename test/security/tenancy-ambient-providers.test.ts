// No ambient identity, provider by provider: with `refuseAmbientIdentity` (what the engine sets for a store
// the application defines, in the shared sidecar) each provider fails before building a client wherever it
// would fall back to the process's own identity, naming the field to set, and still accepts the explicit,
// credential-based methods. The end-to-end runs (zero requests in the servers' logs) are in
// tenancy-identity.test.ts and tenancy-generators.test.ts.
import { describe, expect, it } from 'vitest';
import { makeProviderContext } from '../helpers/provider-context.js';
import { loadProvider } from '../../src/providers/registry.js';

async function attempt(provider: string, spec: Record<string, unknown>, refuse = true): Promise<{ message: string; requests: number }> {
  const ctx = makeProviderContext({ provider, spec, namespace: 'payments', credentials: { 'payments/creds/key': '{}', 'payments/creds/id': 'id', 'payments/creds/secret': 's' }, deadlineMs: 3_000 });
  if (refuse) ctx.refuseAmbientIdentity = true;
  const mod = await loadProvider(provider);
  try {
    const c = await mod.createClient(ctx);
    await c.close?.();
    return { message: '', requests: ctx.requests };
  } catch (e) {
    return { message: (e as Error).message, requests: ctx.requests };
  }
}

const refusal = /is defined in the application's own manifests, and the shared sidecar never lends such a connection its own identity/;

describe('providers refuse ambient identity for app-defined stores', () => {
  it.each([
    ['gcpsm, no auth (Application Default Credentials)', 'gcpsm', { projectID: 'p' }, /Application Default Credentials.*set spec.provider.gcpsm.auth.secretRef.secretAccessKeySecretRef/],
    ['gcpsm, workloadIdentity', 'gcpsm', { projectID: 'p', auth: { workloadIdentity: { serviceAccountRef: { name: 'sa' } } } }, /the sidecar's workload identity/],
    ['azurekv, ManagedIdentity', 'azurekv', { vaultUrl: 'https://v.vault.azure.net', authType: 'ManagedIdentity' }, /managed identity.*set spec.provider.azurekv.authType: ServicePrincipal with authSecretRef/],
    ['azurekv, WorkloadIdentity', 'azurekv', { vaultUrl: 'https://v.vault.azure.net', authType: 'WorkloadIdentity' }, /AZURE_FEDERATED_TOKEN_FILE/],
    ['aws, no auth (the SDK default chain)', 'aws', { service: 'SecretsManager', region: 'us-east-1' }, /AWS SDK's default chain/],
    ['aws, role on top of the default chain', 'aws', { service: 'SecretsManager', region: 'us-east-1', role: 'arn:aws:iam::1:role/r' }, /AWS SDK's default chain/],
    ['vault, no auth (VAULT_TOKEN)', 'vault', { server: 'http://127.0.0.1:9' }, /\(VAULT_TOKEN\); set spec.provider.vault.auth/],
    ['openBao, no auth (BAO_TOKEN / VAULT_TOKEN)', 'openBao', { server: 'http://127.0.0.1:9' }, /\(BAO_TOKEN \/ VAULT_TOKEN\); set spec.provider.openBao.auth/],
  ])('%s', async (_t, provider, spec, why) => {
    const r = await attempt(provider, spec);
    expect(r.message).toMatch(refusal);
    expect(r.message).toMatch(why);
    expect(r.requests).toBe(0);
    // The same store outside the shared sidecar is not refused for this reason.
    expect((await attempt(provider, spec, false)).message).not.toMatch(refusal);
  });

  it.each([
    ['aws, auth.secretRef', 'aws', { service: 'SecretsManager', region: 'us-east-1', auth: { secretRef: { accessKeyIDSecretRef: { name: 'creds', key: 'id' }, secretAccessKeySecretRef: { name: 'creds', key: 'secret' } } } }],
    ['azurekv, ServicePrincipal', 'azurekv', { vaultUrl: 'https://v.vault.azure.net', tenantId: 't', authSecretRef: { clientId: { name: 'creds', key: 'id' }, clientSecret: { name: 'creds', key: 'secret' } } }],
    ['vault, tokenSecretRef', 'vault', { server: 'http://127.0.0.1:9', auth: { tokenSecretRef: { name: 'creds', key: 'secret' } } }],
    ['openBao, tokenSecretRef', 'openBao', { server: 'http://127.0.0.1:9', auth: { tokenSecretRef: { name: 'creds', key: 'secret' } } }],
    ['openBao, appRole', 'openBao', { server: 'http://127.0.0.1:9', auth: { appRole: { roleId: 'r', secretRef: { name: 'creds', key: 'secret' } } } }],
  ])('%s: explicit credentials are accepted', async (_t, provider, spec) => {
    expect((await attempt(provider, spec)).message).not.toMatch(refusal);
  });

  it('kubernetes never falls back to the sidecar\'s ServiceAccount: no auth or a ServiceAccount reference (TokenRequest) is refused, zero requests (kubeconfig token files: kubernetes-e2e.test.ts)', async () => {
    const server = { url: 'https://127.0.0.1:9' };
    for (const [spec, why] of [
      [{ server }, /no auth provider given/],
      [{ server, auth: { serviceAccount: { name: 'default' } } }, /TokenRequest API/],
    ] as const) {
      for (const refuse of [true, false]) {
        const r = await attempt('kubernetes', spec as Record<string, unknown>, refuse);
        expect(r.message).toMatch(why);
        expect(r.requests).toBe(0);
      }
    }
  });
});
