// Issue 14: Argo CD masks a Secret's data values, not its labels, annotations or data key names, and a
// SealedSecret promises ciphertext only while its spec.template.metadata is plain text. In `generate` and
// whenever sealing is on, templates that would put fetched values there are refused by field, before any
// request (src/engine/unmasked.ts); the platform can allow ESO's behaviour in plain generate
// (spec.unmasked). Runs `generate` as argocd-cmp-server would against the loopback Vault. Needs `npm run build`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeVault } from '../servers/vault/server.js';
import { controllerKeys, writeCert } from '../helpers/sealing.js';
import { Tenancy, tempRoot, writePlatform } from './tenancy-support.js';

const ESO = 'external-secrets.io/v1';
const TOKEN = 'hvs.platform-token-1618';
const VALUE = 'Zq9-PaymentsPin-7x';

let vault: FakeVault;
const tmp = tempRoot();
const tenancy = new Tenancy();

beforeAll(async () => {
  vault = await FakeVault.start();
  vault.mountKv('secret', 2);
  vault.put('secret', 'payments/db', { password: VALUE });
  vault.addToken(TOKEN, ['root']);
});
afterAll(async () => {
  await vault.close();
  tenancy.dispose();
  tmp.dispose();
});

const store = () => ({
  apiVersion: ESO,
  kind: 'ClusterSecretStore',
  metadata: { name: 'payments-vault' },
  spec: { provider: { vault: { server: vault.url, path: 'secret', version: 'v2', auth: { tokenSecretRef: { name: 'vault-token', key: 'token', namespace: 'platform' } } } } },
});
const creds = { 'platform/vault-token/token': TOKEN };
const es = {
  apiVersion: ESO,
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: 'payments' },
  spec: {
    secretStoreRef: { kind: 'ClusterSecretStore', name: 'payments-vault' },
    target: {
      name: 'db',
      template: {
        metadata: { annotations: { note: '{{ .password }}' }, labels: { tag: '{{ .password }}' } },
        templateFrom: [{ target: 'Annotations', literal: 'note2: "{{ .password | upper }}"' }],
        data: { password: '{{ .password }}' },
      },
    },
    data: [{ secretKey: 'password', remoteRef: { key: 'payments/db', property: 'password' } }],
  },
};

const ctx = { app: 'pay-api', namespace: 'payments', project: 'payments' };
const withTemplate = (template: Record<string, unknown>) => ({ ...es, spec: { ...es.spec, target: { name: 'db', template } } });

function sealedPlatform(spec: Record<string, unknown> = {}) {
  const keys = controllerKeys();
  const key = path.join(tmp.root, 'platform.key');
  writeFileSync(key, Buffer.alloc(32, 7));
  const cert = writeCert(path.join(tmp.root, 'cert.pem'), keys);
  return writePlatform(tmp.root, { stores: [store()], platformKeyFile: key, seal: { certFile: cert, required: true }, ...spec }, creds);
}

describe('generate never puts a fetched value where Argo CD or a SealedSecret shows it unmasked', () => {
  it('templated labels, annotations and templateFrom target Annotations are refused by field, before any request', async () => {
    const p = writePlatform(tmp.root, { stores: [store()] }, creds);
    const before = vault.requests.length;
    const r = await tenancy.run([es], p, ctx);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stdout + r.stderr).not.toContain(VALUE);
    expect(r.stderr).toContain('spec.target.template.metadata.annotations.note: a templated annotation is refused: Argo CD shows labels and annotations unmasked');
    expect(r.stderr).toContain('spec.target.template.metadata.labels.tag');
    expect(r.stderr).toContain('spec.target.template.templateFrom[0].target: templateFrom with target Annotations is refused');
    expect(r.stderr).toContain('spec.unmasked.allowTemplatedMetadata');
    expect(vault.requests.length).toBe(before);
  });

  it('the platform can allow ESO\'s behaviour in generate (spec.unmasked.allowTemplatedMetadata)', async () => {
    const p = writePlatform(tmp.root, { stores: [store()], unmasked: { allowTemplatedMetadata: true } }, creds);
    const r = await tenancy.run([es], p, ctx);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`note2: ${VALUE.toUpperCase()}`);
  });

  it('sealed output: templated metadata is refused even where the platform allows it in plain generate', async () => {
    const r = await tenancy.run([es], sealedPlatform({ unmasked: { allowTemplatedMetadata: true } }), ctx);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).not.toContain(VALUE);
    expect(r.stderr).toContain('a SealedSecret promises ciphertext only');
  });

  it('sealed output with literal metadata carries ciphertext only', async () => {
    const literal = withTemplate({ metadata: { labels: { team: 'payments' } }, data: { password: '{{ .password }}' } });
    const r = await tenancy.run([literal], sealedPlatform(), ctx);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kind: SealedSecret/);
    expect(r.stdout).toContain('team: payments');
    expect(r.stdout).not.toContain(VALUE);
  });

  it('a data key computed by a templateFrom literal is refused: Argo CD shows key names unmasked', async () => {
    const p = writePlatform(tmp.root, { stores: [store()] }, creds);
    const r = await tenancy.run([withTemplate({ templateFrom: [{ target: 'Data', literal: 'k-{{ .password }}: x' }] })], p, ctx);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).not.toContain(VALUE);
    expect(r.stderr).toContain('spec.target.template.templateFrom[0].literal: a data key computed by a template is refused');
    expect(r.stderr).toContain('spec.unmasked.allowComputedKeys');
  });

  it('a templateFrom literal whose key names are written literally renders', async () => {
    const p = writePlatform(tmp.root, { stores: [store()] }, creds);
    const r = await tenancy.run([withTemplate({ templateFrom: [{ target: 'Data', literal: 'dsn: "db://u:{{ .password }}@h"' }] })], p, ctx);
    expect(r.code, r.stderr).toBe(0);
    const secret = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind?: string; data?: Record<string, string> }).find((d) => d.kind === 'Secret')!;
    expect(Object.keys(secret.data ?? {})).toEqual(['dsn']);
  });
});
