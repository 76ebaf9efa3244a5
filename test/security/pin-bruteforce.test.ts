// Issue 14: "no unkeyed digest of secret data where Argo CD shows it unmasked". A 4-digit PIN rendered by
// `generate` (the quickstart's shape: a fake store, ExternalSecrets, a Deployment consuming them with
// rollout-on-change) cannot be recovered from anything in the output but the Secrets' `data`: all 10,000
// PINs are tried against every digest-like string (test/helpers/pin-scan.ts). Argo CD masks `data` only.
// A control run shows the scan finds the PIN when an unkeyed digest is there (ESO's data-hash of `render`).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/frontends/stream.js';
import { CmpWorkdir, runGenerate } from '../cmp/support.js';
import { runCli } from '../helpers/cli.js';
import { createHash } from 'node:crypto';
import { controllerKeys } from '../helpers/sealing.js';
import { digestLikeWindows, digestsOf, esoMapInput, recoverPins } from '../helpers/pin-scan.js';

const PIN = '4721';

const app = (pin: string): Record<string, string> => ({
  'apps/pin/kustomization.yaml': 'resources: [store.yaml, secrets.yaml, deployment.yaml]\n',
  'apps/pin/store.yaml': `apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: {name: fake}
spec:
  provider:
    fake:
      data:
        - {key: /app/pin, value: "${pin}"}
        - {key: /app/pin-json, value: '{"pin":"${pin}"}'}
`,
  'apps/pin/secrets.yaml': `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: pin, namespace: shop}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: fake}
  data:
    - {secretKey: pin, remoteRef: {key: /app/pin}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: pin-json, namespace: shop}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: fake}
  dataFrom:
    - extract: {key: /app/pin-json}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: pin-config, namespace: shop}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: fake}
  target:
    template:
      data:
        config.json: '{"pin":"{{ .pin }}"}'
  data:
    - {secretKey: pin, remoteRef: {key: /app/pin}}
`,
  'apps/pin/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: shop}
spec:
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
        - name: shop
          image: registry.example.com/shop:1
          envFrom: [{secretRef: {name: pin}}, {secretRef: {name: pin-json}}]
          volumeMounts: [{name: config, mountPath: /etc/shop}]
      volumes: [{name: config, secret: {secretName: pin-config}}]
`,
});

/** What a renderer might have hashed besides the PIN and its one-key maps (test/helpers/pin-scan.ts). */
function inputsFor(pin: string): string[] {
  const configMap = esoMapInput({ 'config.json': `{"pin":"${pin}"}` });
  const pinMap = esoMapInput({ pin });
  const sha3 = (s: string) => createHash('sha3-224').update(s).digest('hex'); // ESO's ObjectHash
  // The rollout checksum's lines over unkeyed data hashes, sorted by Secret name.
  const lines = `pin=${sha3(pinMap)}\npin-config=${sha3(configMap)}\npin-json=${sha3(pinMap)}`;
  return [configMap, `{"config.json":"{\\"pin\\":\\"${pin}\\"}"}`, lines, `pin=${sha3(pinMap)}`];
}

/** Everything in the output but the Secrets' data, as Argo CD shows it unmasked. */
function unmasked(stdout: string): string {
  return parseManifests(stdout)
    .map((i) => {
      const o = { ...i.object };
      if (o.kind === 'Secret') delete o['data'];
      return JSON.stringify(o);
    })
    .join('\n');
}

let work: CmpWorkdir;
let dir: string;

beforeAll(() => {
  work = new CmpWorkdir();
  dir = mkdtempSync(path.join(tmpdir(), 'pin-'));
  writeFileSync(path.join(dir, 'platform.key'), Buffer.from('0123456789abcdef0123456789abcdef-platform-key-for-tests'));
  const config = (spec: string) => `apiVersion: eso-render.dev/v1alpha1\nkind: RenderConfig\nmetadata: {name: platform}\nspec:\n${spec}`;
  writeFileSync(path.join(dir, 'keyed.yaml'), config(`  platformKeyFile: ${path.join(dir, 'platform.key')}\n  rollout: {onChange: true}\n`));
  writeFileSync(path.join(dir, 'cert.pem'), controllerKeys().certPem);
  writeFileSync(path.join(dir, 'sealed.yaml'), config(`  platformKeyFile: ${path.join(dir, 'platform.key')}\n  rollout: {onChange: true}\n  seal: {certFile: ${path.join(dir, 'cert.pem')}, required: true}\n`));
  writeFileSync(path.join(dir, 'no-key.yaml'), config('  keepStores: false\n'));
  writeFileSync(path.join(dir, 'no-key-rollout.yaml'), config('  rollout: {onChange: true}\n'));
});

afterAll(() => {
  work?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const generate = (config: string, parameters: { name: string; string: string }[] = []) =>
  runGenerate(work.extract(app(PIN)), 'apps/pin', { sidecar: { ESO_RENDER_CONFIG: path.join(dir, config) }, parameters });

/** The outputs scanned, rendered once; the brute force runs once over all of them. */
const outputs: Record<string, string> = {};
let pins: Record<string, string[]> | undefined;
const recovered = (name: string): string[] => {
  pins ??= recoverPins(Object.fromEntries(Object.entries(outputs).map(([n, text]) => [n, digestLikeWindows(unmasked(text))])), inputsFor);
  return pins[name]!;
};

describe('a 4-digit PIN cannot be recovered from what Argo CD shows unmasked', () => {
  beforeAll(async () => {
    const runs = {
      control: runCli(['render', '-q', '-f', path.join(work.extract(app(PIN)), 'apps/pin')]),
      keyed: generate('keyed.yaml'),
      noKey: generate('no-key.yaml'),
      sealed: generate('sealed.yaml'),
    };
    for (const [name, run] of Object.entries(runs)) {
      const r = await run;
      if (r.code !== 0) throw new Error(`${name}: exit ${r.code}: ${r.stderr}`);
      outputs[name] = r.stdout;
    }
  }, 120_000);

  it('the scan\'s FNV sums are Go\'s hash/fnv (New32, New32a, New64, New64a of "hello")', () => {
    expect(digestsOf('hello').slice(-4).map((d) => d.toString('hex'))).toEqual(['b6fa7167', '4f9f2cab', '7b495389bdbdd4c7', 'a430d84680aabd0b']);
  });

  it('control: the scan recovers the PIN from ESO\'s unkeyed data-hash (render without a key)', () => {
    expect(recovered('control')).toContain(PIN);
  }, 300_000);

  it('generate with the platform key and rollout on: keyed data-hash and checksum, nothing found', () => {
    const objs = parseManifests(outputs['keyed']!).map((i) => i.object);
    const secrets = objs.filter((o) => o.kind === 'Secret');
    expect(secrets.map((s) => s.metadata?.name).sort()).toEqual(['pin', 'pin-config', 'pin-json']);
    for (const s of secrets) expect(s.metadata?.annotations?.['reconcile.external-secrets.io/data-hash']).toMatch(/^[0-9a-f]{64}$/);
    const deployment = objs.find((o) => o.kind === 'Deployment') as any;
    expect(deployment.spec.template.metadata.annotations['eso-render.dev/secret-checksum']).toMatch(/^[0-9a-f]{64}$/);
    expect(recovered('keyed')).toEqual([]);
  }, 300_000);

  it('generate without a key: data-hash is left out, nothing found', () => {
    const secrets = parseManifests(outputs['noKey']!).map((i) => i.object).filter((o) => o.kind === 'Secret');
    expect(secrets).toHaveLength(3);
    for (const s of secrets) expect(s.metadata?.annotations?.['reconcile.external-secrets.io/data-hash']).toBeUndefined();
    expect(recovered('noKey')).toEqual([]);
  }, 300_000);

  it('generate with sealing (issue 17): only SealedSecrets, and nothing found in them or beside them', () => {
    const objs = parseManifests(outputs['sealed']!).map((i) => i.object);
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(objs.filter((o) => o.kind === 'SealedSecret')).toHaveLength(3);
    // Everything is scanned here, the ciphertexts included (nothing in a SealedSecret is masked by Argo CD).
    const withoutCiphertext = objs.map((o) => (o.kind === 'SealedSecret' ? { ...o, spec: { ...(o['spec'] as object), encryptedData: {} } } : o));
    expect(JSON.stringify(withoutCiphertext)).not.toContain(PIN);
    expect(recovered('sealed')).toEqual([]);
  }, 300_000);

  it('generate without a key and rollout on (platform or parameter): refused, naming the setting, nothing printed', async () => {
    for (const [config, params] of [['no-key-rollout.yaml', []], ['no-key.yaml', [{ name: 'rollout-on-change', string: 'true' }]]] as const) {
      const r = await generate(config, [...params]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('spec.platformKeyFile');
    }
  });

  it('generate without a key, rollout asked by a workload annotation: refused by the engine, nothing printed', async () => {
    const files = app(PIN);
    files['apps/pin/deployment.yaml'] = files['apps/pin/deployment.yaml']!.replace('metadata: {name: shop, namespace: shop}', 'metadata: {name: shop, namespace: shop, annotations: {eso-render.dev/rollout-on-change: "true"}}');
    const r = await runGenerate(work.extract(files), 'apps/pin', { sidecar: { ESO_RENDER_CONFIG: path.join(dir, 'no-key.yaml') } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('spec.platformKeyFile');
    expect(r.stderr).toContain('Deployment');
  });
});
