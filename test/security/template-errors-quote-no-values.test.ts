// Issue 14: a template error never becomes a read-out of a secret value.
// docs/security.md promises "no value is ever printed" in stderr; issue 14 promises a failing template
// function names the function and the kind of failure, "not its arguments". These tests run `generate`
// as argocd-cmp-server would against the loopback Vault with a platform store the app may use, and
// look for the value (or its bytes) in stderr. Needs `npm run build`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeVault } from '../servers/vault/server.js';
import { Tenancy, tempRoot, writePlatform } from './tenancy-support.js';

const ESO = 'external-secrets.io/v1';
const TOKEN = 'hvs.platform-token-2718';
const VALUE = 'Zq9-Wombat8Quokka-7x';

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
const es = (templateData: Record<string, string>) => ({
  apiVersion: ESO,
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: 'payments' },
  spec: {
    secretStoreRef: { kind: 'ClusterSecretStore', name: 'payments-vault' },
    target: { name: 'db', template: { data: templateData } },
    data: [{ secretKey: 'password', remoteRef: { key: 'payments/db', property: 'password' } }],
  },
});

async function run(templateData: Record<string, string>, logFormat?: 'json') {
  const p = writePlatform(tmp.root, { stores: [store()] }, creds);
  return tenancy.run([es(templateData)], p, { app: 'pay-api', namespace: 'payments', project: 'payments', sidecar: logFormat ? { ESO_RENDER_LOG_FORMAT: logFormat } : {} });
}

describe('template errors print no number computed from a value', () => {
  it('`index "" (index .password N)` prints byte N of the value ("index out of range: 90"); one ExternalSecret per byte reads the whole value from stderr', async () => {
    const p = writePlatform(tmp.root, { stores: [store()] }, creds);
    const many = Array.from(VALUE, (_, i) => {
      const e = es({ b: `{{ index "" (index .password ${i}) }}` });
      const name = `db${String(i).padStart(2, '0')}`;
      return { ...e, metadata: { name, namespace: 'payments' }, spec: { ...e.spec, target: { ...e.spec.target, name } } };
    });
    const r = await tenancy.run(many, p, { app: 'pay-api', namespace: 'payments', project: 'payments' });
    expect(r.code).toBe(1);
    // What the hostile tenant reads back from the sidecar's stderr (Argo CD shows it in the app's conditions).
    const bytes = [...r.stderr.matchAll(/ExternalSecret\/payments\/db(\d\d) .*index out of range: (\d+)/g)]
      .sort((a, b) => Number(a[1]) - Number(b[1]))
      .map((m) => Number(m[2]));
    expect(String.fromCharCode(...bytes)).not.toBe(VALUE);
    expect(bytes).toEqual([]);
  });

  it('the same read-out works in the json log format', async () => {
    const r = await run({ b: `{{ index (list) (index .password 0) }}` }, 'json');
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain(`index out of range: ${VALUE.charCodeAt(0)}`);
  });

  it('`index .password (len .password)` style errors must not reveal the length: `index (list) (len .password)`', async () => {
    const r = await run({ n: `{{ index (list) (len .password) }}` });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain(`index out of range: ${VALUE.length}`);
  });
});

/** Every 4-character substring of the value and of its upper-cased form (what the fuzzer looks for). */
const fragments = (v: string): string[] => [v, v.toUpperCase()].flatMap((x) => Array.from({ length: x.length - 3 }, (_, i) => x.slice(i, i + 4)));

describe('template function errors never quote their (transformed) arguments', () => {
  const cases: [string, string][] = [
    ['semverCompare (constraint)', '{{ semverCompare (upper .password) "1.0.0" }}'],
    ['regexReplaceAll (pattern)', '{{ regexReplaceAll (printf "(%s" (upper .password)) "a" "b" }}'],
    ['mustToDate', '{{ upper .password | mustToDate "2006" }}'],
    ['mustDateModify', '{{ mustDateModify (upper .password) now }}'],
    ['urlParse (port)', '{{ urlParse (printf "http://x:%s" (upper .password)) }}'],
  ];
  for (const [name, tpl] of cases) {
    it(`${name}: no 4-character fragment of the value or of its upper-cased form in stderr`, async () => {
      const r = await run({ x: tpl });
      expect(r.code).toBe(1);
      expect(fragments(VALUE).filter((f) => r.stderr.includes(f))).toEqual([]);
    });
  }
});

