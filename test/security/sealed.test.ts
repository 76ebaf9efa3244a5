// Sealed output (issue 17), through the built CLI on the fake store: every SealedSecret, unsealed by the
// test's own implementation of Sealed Secrets' format (test/helpers/sealing.ts) with a controller key made
// at test time, is exactly the Secret the plaintext render emits (same metadata, type, immutable, keys and
// bytes), for all three scopes, binary and empty values; sealing is deterministic; bad certificates and a
// missing key are refused by name. The other providers are unsealed in test/security/canary.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/engine/types.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { runCli } from '../helpers/cli.js';
import { CmpWorkdir, quickstartFiles, runGenerate, type CmpEnv } from '../cmp/support.js';
import { controllerKeys, unseal, unsealValue, type ControllerKeys } from '../helpers/sealing.js';

const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

function input(values: { password: string } = { password: 'correct-horse' }): string {
  const store = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name: 'fake' },
    spec: {
      provider: {
        fake: {
          data: [
            { key: '/db', value: JSON.stringify({ username: 'app', password: values.password }) },
            { key: '/binary', value: BINARY.toString('base64') },
            { key: '/blank', value: '{"empty":""}' },
            { key: '/token', value: 'tok-123' },
          ],
        },
      },
    },
  };
  const es = (name: string, spec: Record<string, unknown>, namespace: string | undefined = 'shop'): KubeObject => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'fake' }, ...spec },
  });
  const objs: KubeObject[] = [
    store,
    es('db', { data: [{ secretKey: 'username', remoteRef: { key: '/db', property: 'username' } }, { secretKey: 'password', remoteRef: { key: '/db', property: 'password' } }] }),
    es('bytes', { data: [{ secretKey: 'blob', remoteRef: { key: '/binary', decodingStrategy: 'Base64' } }, { secretKey: 'empty', remoteRef: { key: '/blank', property: 'empty' } }] }),
    es('templated', {
      target: {
        name: 'app-config',
        creationPolicy: 'Orphan',
        immutable: true,
        template: {
          type: 'kubernetes.io/basic-auth',
          metadata: { labels: { team: 'shop' }, annotations: { 'example.com/owner': 'shop' } },
          data: { username: '{{ .token }}', password: '', 'config.json': '{"token":"{{ .token }}"}' },
        },
      },
      data: [{ secretKey: 'token', remoteRef: { key: '/token' } }],
    }),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'untouched', namespace: 'shop' }, data: { a: 'b' } },
  ];
  return objs.map((o) => JSON.stringify(o)).join('\n---\n') + '\n';
}

let dir: string;
let keys: ControllerKeys;
let other: ControllerKeys;
const file = (name: string) => path.join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sealed-'));
  keys = controllerKeys();
  other = controllerKeys();
  writeFileSync(file('cert.pem'), keys.certPem);
  writeFileSync(file('other.pem'), other.certPem);
  writeFileSync(file('key'), Buffer.alloc(32, 0x5a));
  writeFileSync(file('key2'), Buffer.alloc(32, 0xa5));
  writeFileSync(file('expired.pem'), controllerKeys({ notBefore: new Date(Date.now() - 3 * 86400_000), notAfter: new Date(Date.now() - 86400_000) }).certPem);
  writeFileSync(file('ec.pem'), generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).publicKey);
  writeFileSync(file('rsa-public.pem'), generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).publicKey);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function render(args: string[], stdin = input()): Promise<KubeObject[]> {
  const r = await runCli(['render', '-q', '--platform-key-file', file('key'), ...args], stdin);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return parseManifests(r.stdout).map((i) => i.object);
}

const seal = (scope: string, cert = 'cert.pem') => ['--seal-cert', file(cert), '--seal-scope', scope];
const ciphertexts = (objs: KubeObject[]) =>
  objs.filter((o) => o.kind === 'SealedSecret').flatMap((o) => Object.entries((o['spec'] as { encryptedData: Record<string, string> }).encryptedData).map(([k, v]) => [`${o.metadata?.name}/${k}`, v] as const));

describe('sealed output unseals to exactly the plaintext render', () => {
  for (const scope of ['strict', 'namespace-wide', 'cluster-wide']) {
    it(`${scope}: every Secret is a SealedSecret the controller unseals into the same Secret; other resources unchanged`, async () => {
      const plain = await render([]);
      const sealed = await render(seal(scope));
      expect(sealed.map((o) => o.kind)).toEqual(plain.map((o) => (o.kind === 'Secret' ? 'SealedSecret' : o.kind)));
      expect(sealed.filter((o) => o.kind === 'Secret')).toEqual([]);
      sealed.forEach((o, i) => {
        if (o.kind !== 'SealedSecret') return expect(o).toEqual(plain[i]);
        expect(o.apiVersion).toBe('bitnami.com/v1alpha1');
        const a = o.metadata?.annotations ?? {};
        expect(a['sealedsecrets.bitnami.com/namespace-wide']).toBe(scope === 'namespace-wide' ? 'true' : undefined);
        expect(a['sealedsecrets.bitnami.com/cluster-wide']).toBe(scope === 'cluster-wide' ? 'true' : undefined);
        const secret = unseal(keys.privateKeyPem, o);
        // The scope annotations ride on the template as kubeseal writes them; the rest is the plaintext Secret.
        const md = secret.metadata!;
        md.annotations = Object.fromEntries(Object.entries(md.annotations ?? {}).filter(([k]) => !k.startsWith('sealedsecrets.bitnami.com/')));
        expect(secret).toEqual(plain[i]);
      });
      const bytes = unseal(keys.privateKeyPem, sealed.find((o) => o.metadata?.name === 'bytes')!);
      expect(Buffer.from((bytes['data'] as Record<string, string>)['blob']!, 'base64').equals(BINARY)).toBe(true);
      expect((bytes['data'] as Record<string, string>)['empty']).toBe('');
      const tpl = unseal(keys.privateKeyPem, sealed.find((o) => o.metadata?.name === 'app-config')!);
      expect(tpl['immutable']).toBe(true);
      expect(tpl['type']).toBe('kubernetes.io/basic-auth');
      // Argo CD's own annotations (Orphan → Prune=false) act on what Argo CD applies: the SealedSecret.
      expect(sealed.find((o) => o.metadata?.name === 'app-config')!.metadata?.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=false');
    });
  }

  it('the scope binds: a strict value does not unseal under another name, a namespace-wide one not in another namespace', async () => {
    const strict = (await render(seal('strict'))).find((o) => o.metadata?.name === 'db')!;
    const v = (strict['spec'] as { encryptedData: Record<string, string> }).encryptedData['password']!;
    expect(() => unsealValue(keys.privateKeyPem, v, Buffer.from('shop/other'))).toThrow();
    expect(unsealValue(keys.privateKeyPem, v, Buffer.from('shop/db')).toString()).toBe('correct-horse');
    const nsWide = (await render(seal('namespace-wide'))).find((o) => o.metadata?.name === 'db')!;
    const w = (nsWide['spec'] as { encryptedData: Record<string, string> }).encryptedData['password']!;
    expect(() => unsealValue(keys.privateKeyPem, w, Buffer.from('elsewhere'))).toThrow();
    expect(() => unsealValue(other.privateKeyPem, w, Buffer.from('shop'))).toThrow();
  });

  it('an ExternalSecret without a namespace: the SealedSecret names the namespace its label was made for', async () => {
    const stdin = input().replace('"metadata":{"name":"db","namespace":"shop"}', '"metadata":{"name":"db"}');
    const o = (await render(seal('strict'), stdin)).find((x) => x.metadata?.name === 'db')!;
    expect(o.metadata?.namespace).toBe('default');
    expect(unseal(keys.privateKeyPem, o).metadata?.namespace).toBe('default');
  });

  it('a PEM public key works as well as a certificate', async () => {
    const sealed = await render(['--seal-cert', file('rsa-public.pem')]);
    expect(sealed.filter((o) => o.kind === 'SealedSecret')).toHaveLength(3);
  });

  it('--redact with sealing: the SealedSecrets hold the placeholders, marked redacted', async () => {
    // (Placeholders are text: the Base64-decoded ExternalSecret is left out of this preview.)
    const stdin = input().split('\n---\n').filter((d) => !d.includes('"name":"bytes"')).join('\n---\n');
    const r = await runCli(['render', '-q', '--redact', '--platform-key-file', file('key'), ...seal('strict')], stdin);
    expect(r.code, r.stderr).toBe(0);
    const sealed = parseManifests(r.stdout).map((i) => i.object).filter((o) => o.kind === 'SealedSecret');
    expect(sealed).toHaveLength(2);
    const db = unseal(keys.privateKeyPem, sealed.find((o) => o.metadata?.name === 'db')!);
    expect(db.metadata?.annotations?.['eso-render.dev/redacted']).toBe('true');
    expect(Buffer.from((db['data'] as Record<string, string>)['password']!, 'base64').toString()).not.toContain('correct-horse');
  });
});

describe('deterministic sealing', () => {
  it('two renders are byte-identical', async () => {
    const a = await runCli(['render', '-q', '--platform-key-file', file('key'), ...seal('strict')], input());
    const b = await runCli(['render', '-q', '--platform-key-file', file('key'), ...seal('strict')], input());
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('one changed value changes exactly its own ciphertext', async () => {
    const a = new Map(ciphertexts(await render(seal('strict'))));
    const b = new Map(ciphertexts(await render(seal('strict'), input({ password: 'battery-staple' }))));
    expect([...a.keys()]).toEqual([...b.keys()]);
    expect([...a.keys()].filter((k) => a.get(k) !== b.get(k))).toEqual(['db/password']);
  });

  it('another platform key or another certificate changes every ciphertext', async () => {
    const base = new Map(ciphertexts(await render(seal('strict'))));
    const key2 = new Map(ciphertexts(await render([...seal('strict'), '--seal-key-file', file('key2')])));
    const cert2 = new Map(ciphertexts(await render(seal('strict', 'other.pem'))));
    expect(base.size).toBe(7);
    for (const changed of [key2, cert2]) expect([...base.keys()].filter((k) => base.get(k) === changed.get(k))).toEqual([]);
  });
});

describe('refusals', () => {
  it.each([
    ['an expired certificate', 'expired.pem', /--seal-cert: the certificate .*expired\.pem expired on/],
    ['a key that is not RSA', 'ec.pem', /--seal-cert: the certificate .*ec\.pem holds an ec key; Sealed Secrets needs RSA/],
    ['a missing file', 'none.pem', /--seal-cert: cannot read the certificate .*none\.pem: ENOENT/],
  ])('%s: usage error naming the flag and the file, nothing on stdout', async (_what, cert, message) => {
    const r = await runCli(['render', '-q', '--platform-key-file', file('key'), '--seal-cert', file(cert)], input());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('sealing without a platform key: refused naming the setting, nothing on stdout', async () => {
    const r = await runCli(['render', '-q', '--seal-cert', file('cert.pem')], input());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('spec.platformKeyFile');
  });

  it('an unknown scope is a usage error', async () => {
    const r = await runCli(['render', '-q', '--platform-key-file', file('key'), '--seal-cert', file('cert.pem'), '--seal-scope', 'global'], input());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--seal-scope must be one of strict, namespace-wide, cluster-wide');
  });
});

describe('per-destination certificates (spec.seal.destinations)', () => {
  it('the first matching destination\'s certificate and scope, else certFile', async () => {
    writeFileSync(
      file('dest.yaml'),
      `apiVersion: eso-render.dev/v1alpha1
kind: RenderConfig
metadata: {name: platform}
spec:
  platformKeyFile: key
  seal:
    certFile: cert.pem
    destinations:
      - match: {namespaces: ["team-b*"]}
        certFile: other.pem
        scope: namespace-wide
`,
    );
    const stdin = input().replace('"metadata":{"name":"db","namespace":"shop"}', '"metadata":{"name":"db","namespace":"team-b"}');
    const r = await runCli(['render', '-q', '--config', file('dest.yaml')], stdin);
    expect(r.code, r.stderr).toBe(0);
    const sealed = parseManifests(r.stdout).map((i) => i.object).filter((o) => o.kind === 'SealedSecret');
    const db = sealed.find((o) => o.metadata?.name === 'db')!;
    expect(db.metadata?.annotations?.['sealedsecrets.bitnami.com/namespace-wide']).toBe('true');
    expect((unseal(other.privateKeyPem, db)['data'] as Record<string, string>)['username']).toBe(Buffer.from('app').toString('base64'));
    expect(() => unseal(keys.privateKeyPem, db)).toThrow();
    const bytes = sealed.find((o) => o.metadata?.name === 'bytes')!;
    expect(() => unseal(keys.privateKeyPem, bytes)).not.toThrow();
    expect(() => unseal(other.privateKeyPem, bytes)).toThrow();
  });
});

describe('generate (the Argo CD sidecar) with spec.seal.required', () => {
  let work: CmpWorkdir;
  beforeAll(() => {
    work = new CmpWorkdir();
    const config = (seal: string) => `apiVersion: eso-render.dev/v1alpha1
kind: RenderConfig
metadata: {name: platform}
spec:
  platformKeyFile: ${file('key')}
  rollout: {onChange: true}
  seal:
${seal}`;
    writeFileSync(file('required.yaml'), config(`    certFile: ${file('cert.pem')}\n    required: true\n`));
    writeFileSync(file('optional.yaml'), config(`    certFile: ${file('cert.pem')}\n`));
    writeFileSync(
      file('by-project.yaml'),
      config(`    required: true\n    destinations:\n      - match: {projects: [payments]}\n        certFile: ${file('other.pem')}\n      - match: {namespaces: [shop]}\n        certFile: ${file('cert.pem')}\n`),
    );
  });
  afterAll(() => work?.dispose());

  const gen = (config: string, e: Omit<CmpEnv, 'sidecar'> = {}) => runGenerate(work.extract(quickstartFiles('apps/shop')), 'apps/shop', { ...e, sidecar: { ESO_RENDER_CONFIG: file(config) } });

  it('every Secret of the quickstart comes out sealed, and unseals to what plain generate prints', async () => {
    const sealed = await gen('required.yaml');
    expect(sealed.code, sealed.stderr).toBe(0);
    const objs = parseManifests(sealed.stdout).map((i) => i.object);
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(objs.filter((o) => o.kind === 'SealedSecret').map((o) => o.metadata?.name).sort()).toEqual(['app-config', 'db-credentials']);
    const plain = await gen('optional.yaml', { parameters: [{ name: 'seal', string: 'false' }] });
    expect(plain.code, plain.stderr).toBe(0);
    const plainObjs = parseManifests(plain.stdout).map((i) => i.object);
    for (const o of objs.filter((x) => x.kind === 'SealedSecret')) {
      expect(unseal(keys.privateKeyPem, o)).toEqual(plainObjs.find((p) => p.kind === 'Secret' && p.metadata?.name === o.metadata?.name));
    }
    // The Deployment is stamped, and identically: the stamp is keyed, not derived from ciphertext.
    expect(objs.find((o) => o.kind === 'Deployment')).toEqual(plainObjs.find((o) => o.kind === 'Deployment'));
  });

  it('an Application cannot turn required sealing off, by parameter or plugin env', async () => {
    for (const e of [{ parameters: [{ name: 'seal', string: 'false' }] }, { pluginEnv: { ESO_RENDER_SEAL: 'false' } }]) {
      const r = await gen('required.yaml', e);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('spec.seal.required');
    }
  });

  it('per-destination certificates follow the Argo CD project, then the namespace', async () => {
    const pay = await gen('by-project.yaml', { project: 'payments' });
    const shop = await gen('by-project.yaml', { project: 'default' });
    for (const [r, right, wrong] of [[pay, other, keys], [shop, keys, other]] as const) {
      expect(r.code, r.stderr).toBe(0);
      const s = parseManifests(r.stdout).map((i) => i.object).filter((o) => o.kind === 'SealedSecret');
      expect(s).toHaveLength(2);
      for (const o of s) {
        expect(() => unseal(right.privateKeyPem, o)).not.toThrow();
        expect(() => unseal(wrong.privateKeyPem, o)).toThrow();
      }
    }
  });

  it('no matching destination and no certFile: the run fails naming the setting', async () => {
    const files = quickstartFiles('apps/x');
    for (const k of Object.keys(files)) files[k] = files[k]!.replace(/namespace: shop/g, 'namespace: other');
    const refused = await runGenerate(work.extract(files), 'apps/x', { namespace: 'other', sidecar: { ESO_RENDER_CONFIG: file('by-project.yaml') } });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('no sealing certificate for namespace other');
  });
});
