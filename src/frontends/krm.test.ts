import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { krmBaseDir, runKrm, runLegacyPlugin } from './krm.js';

// A fake store and an ExternalSecret, as kpt sends them (original text plus kpt's annotations).
const storeItem = `- apiVersion: external-secrets.io/v1
  kind: ClusterSecretStore
  metadata:
    name: fake
    annotations:
      config.kubernetes.io/index: '0'
      config.kubernetes.io/path: 'store.yaml'
      internal.config.kubernetes.io/index: '0'
      internal.config.kubernetes.io/path: 'store.yaml'
      internal.config.kubernetes.io/id: '1'
      config.k8s.io/id: '1'
  spec:
    provider:
      fake:
        data:
        - key: /db
          value: '{"user":"admin","password":"hunter2-fake"}'
`;
const esItem = `- # database login
  apiVersion: external-secrets.io/v1
  kind: ExternalSecret
  metadata:
    name: db
    namespace: app
    annotations:
      config.kubernetes.io/index: '1'
      config.kubernetes.io/path: 'app.yaml'
      internal.config.kubernetes.io/index: '1'
      internal.config.kubernetes.io/path: 'app.yaml'
      internal.config.kubernetes.io/package-path: '/pkg'
      internal.config.kubernetes.io/seqindent: 'compact'
      internal.config.kubernetes.io/annotations-migration-resource-id: '1'
      internal.config.kubernetes.io/id: '2'
      config.k8s.io/id: '2'
  spec:
    secretStoreRef: {kind: ClusterSecretStore, name: fake}
    target: {name: db-secret}
    data:
    - secretKey: password
      remoteRef: {key: /db, property: password}
`;
// Untouched items whose spelling a careless writer would change.
const passthrough = `- apiVersion: kpt.dev/v1
  kind: Kptfile
  metadata:
    name: app
    annotations:
      config.kubernetes.io/local-config: "true"
      internal.config.kubernetes.io/path: 'Kptfile'
      internal.config.kubernetes.io/package-path: '/pkg'
  pipeline:
    mutators:
    - exec: eso-render # on PATH
- {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", annotations: {config.kubernetes.io/index: '0', internal.config.kubernetes.io/path: 'sub/svc.json', internal.config.kubernetes.io/package-path: '/pkg/sub'}}, "spec": {"ports": [{"port": 80}]}}
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings # keep me
    annotations:
      internal.config.kubernetes.io/path: 'app.yaml'
      internal.config.kubernetes.io/index: '0'
  data:
    enabled: on
    mode: 0755
    hex: 0x1F
    quoted: "yes"
    text: |-
      line one

      line three
`;

const resourceList = (items: string, extra = '') => `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items}${extra}`;
const env = { cwd: '/nowhere', vars: {} };

function out(stdout: string): Record<string, any> {
  const docs = parseAllDocuments(stdout);
  expect(docs).toHaveLength(1);
  return docs[0]!.toJS();
}

describe('runKrm', () => {
  it('replaces the ExternalSecret by its Secret in its file, drops the consumed store, and keeps every other item byte for byte', async () => {
    const r = await runKrm(resourceList(passthrough + storeItem + esItem), env);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(`apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${passthrough}`)).toBe(true);
    const rl = out(r.stdout);
    expect(rl.items.map((i: any) => i.kind)).toEqual(['Kptfile', 'Service', 'ConfigMap', 'Secret']);
    const secret = rl.items[3];
    expect(secret.metadata).toMatchObject({ name: 'db-secret', namespace: 'app' });
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe('hunter2-fake');
    // Where kpt writes it, and which input item it stands for.
    expect(secret.metadata.annotations).toMatchObject({
      'config.kubernetes.io/path': 'app.yaml',
      'internal.config.kubernetes.io/path': 'app.yaml',
      'config.kubernetes.io/index': '1',
      'internal.config.kubernetes.io/index': '1',
      'internal.config.kubernetes.io/package-path': '/pkg',
      'internal.config.kubernetes.io/seqindent': 'compact',
      'internal.config.kubernetes.io/annotations-migration-resource-id': '1',
      'internal.config.kubernetes.io/id': '2',
      'config.k8s.io/id': '2',
    });
    expect(rl.results ?? []).toEqual([]);
  });

  it('echoes the apiVersion it received (v1alpha1 from older tools) and a List wrapper', async () => {
    const old = await runKrm(resourceList(passthrough).replace('config.kubernetes.io/v1', 'config.kubernetes.io/v1alpha1'), env);
    expect(out(old.stdout).apiVersion).toBe('config.kubernetes.io/v1alpha1');
    const list = await runKrm(`apiVersion: v1\nkind: List\nitems:\n${passthrough}`, env);
    expect(out(list.stdout)).toMatchObject({ apiVersion: 'v1', kind: 'List' });
  });

  it('reads a JSON ResourceList and writes block YAML', async () => {
    const json = JSON.stringify({
      apiVersion: 'config.kubernetes.io/v1',
      kind: 'ResourceList',
      items: [parse(storeItem.replace(/^- /, '').replace(/^ {2}/gm, '')), parse(esItem.replace(/^- /, '').replace(/^ {2}/gm, ''))],
    }, null, 2);
    const r = await runKrm(json, env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^items:\n- apiVersion: v1\n {2}kind: Secret\n/m);
  });

  it('never prints an empty stdout on success', async () => {
    const r = await runKrm('apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n', env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n');
  });

  it('kustomize input (sorted keys, ids, no paths): the Secret gets no kustomize rename history', async () => {
    const kustomized = `- apiVersion: external-secrets.io/v1
  kind: ExternalSecret
  metadata:
    annotations:
      team: payments
      config.k8s.io/id: "1"
      config.kubernetes.io/index: "0"
      internal.config.kubernetes.io/id: "1"
      internal.config.kubernetes.io/index: "0"
      internal.config.kubernetes.io/previousKinds: ExternalSecret
      internal.config.kubernetes.io/previousNames: db
      kustomize.config.k8s.io/id: |
        group: external-secrets.io
        kind: ExternalSecret
        name: db
        namespace: app
        version: v1
    name: db
    namespace: app
  spec:
    data:
    - remoteRef:
        key: /db
        property: user
      secretKey: user
    secretStoreRef:
      kind: ClusterSecretStore
      name: fake
`;
    const r = await runKrm(
      resourceList(kustomized, `functionConfig:\n  apiVersion: eso-render.dev/v1alpha1\n  kind: RenderConfig\n  metadata:\n    name: r\n    annotations:\n      config.kubernetes.io/local-config: 'true'\n  spec:\n    stores:\n    - ${storeItem.slice(2).replace(/\n {2}/g, '\n      ').replace(/\n {6}annotations:(\n {8}.*)+/, '')}`),
      env,
    );
    expect(r.stderr).not.toContain('[error]');
    expect(r.code).toBe(0);
    const [secret] = out(r.stdout).items;
    expect(secret.kind).toBe('Secret');
    // ESO copies an ExternalSecret's annotations to its Secret; kustomize's in-flight ones are not the
    // user's and describe the ExternalSecret, so only the ids that pair the Secret with it remain.
    expect(Object.keys(secret.metadata.annotations).sort()).toEqual([
      'config.k8s.io/id',
      'config.kubernetes.io/index',
      'eso-render.dev/external-secret',
      'internal.config.kubernetes.io/id',
      'internal.config.kubernetes.io/index',
      'reconcile.external-secrets.io/data-hash',
      'team',
    ]);
  });

  it('works as a kustomize generator: the config is the only item, the ExternalSecrets come from the config', async () => {
    const config = `apiVersion: eso-render.dev/v1alpha1
kind: RenderConfig
metadata:
  name: gen
  annotations:
    config.kubernetes.io/local-config: 'true'
spec:
  stores:
  - apiVersion: external-secrets.io/v1
    kind: ClusterSecretStore
    metadata: {name: fake}
    spec: {provider: {fake: {data: [{key: /db, value: '{"user":"admin"}'}]}}}
  resources:
  - apiVersion: external-secrets.io/v1
    kind: ExternalSecret
    metadata: {name: db, namespace: app}
    spec:
      secretStoreRef: {kind: ClusterSecretStore, name: fake}
      data: [{secretKey: user, remoteRef: {key: /db, property: user}}]
`;
    const indent = (s: string, n: number) => s.replace(/^/gm, ' '.repeat(n)).replace(/^ +$/gm, '');
    const r = await runKrm(resourceList(`-${indent(config, 2).slice(1)}`, `functionConfig:\n${indent(config, 2)}`), env);
    expect(r.code).toBe(0);
    const items = out(r.stdout).items;
    // The config copy passes through (kustomize drops it: local-config) and the Secret is generated.
    expect(items.map((i: any) => `${i.kind}/${i.metadata.name}`)).toEqual(['RenderConfig/gen', 'Secret/db']);
    expect(Buffer.from(items[1].data.user, 'base64').toString()).toBe('admin');
  });

  it('exit 1 on a render error: input items echoed, error results with file, nothing secret', async () => {
    const broken = esItem.replace('property: password', 'property: nope');
    const input = resourceList(passthrough + storeItem + broken);
    const r = await runKrm(input, env);
    expect(r.code).toBe(1);
    const rl = out(r.stdout);
    expect(r.stdout.slice(0, r.stdout.indexOf('results:'))).toBe(input);
    expect(rl.results).toHaveLength(1);
    expect(rl.results[0]).toMatchObject({
      severity: 'error',
      resourceRef: { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', name: 'db', namespace: 'app' },
      field: { path: 'spec.data[0]' },
      file: { path: 'app.yaml', index: 1 },
    });
    // The error, then the same summary line as `render` prints (FAILED).
    expect(r.stderr).toMatch(/^\[error\] external-secrets.io\/v1\/ExternalSecret\/app\/db spec.data\[0\]: .*\(app.yaml#1\)\neso-render: FAILED: \d+ resources in, 0 out, 1 ExternalSecrets, 0 Secrets, .* \d+ ms\n$/);
    // The store's values are in the echoed input, but in no result and no log line.
    const results = r.stdout.slice(r.stdout.indexOf('results:'));
    expect(results + r.stderr).not.toContain('hunter2-fake');
    expect(results + r.stderr).not.toContain('admin');
  });

  it('exit 3 on a bad function config: items echoed, each problem a result naming the field', async () => {
    const r = await runKrm(
      resourceList(passthrough, 'functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: function-input}\n  data: {keepStores: "yes", concurrencyPerStore: "0"}\n'),
      env,
    );
    expect(r.code).toBe(3);
    const rl = out(r.stdout);
    expect(rl.items).toHaveLength(3);
    expect(rl.results.map((x: any) => [x.severity, x.field.path])).toEqual([
      ['error', 'data.keepStores'],
      ['error', 'data.concurrencyPerStore'],
    ]);
    expect(r.stderr).toContain('[error] v1/ConfigMap/function-input data.keepStores: must be "true" or "false", got "yes"');
  });

  it('applies the policy from the function config: a key outside the allowed patterns is refused', async () => {
    const platformStore = storeItem.slice(2).replace(/\n {2}/g, '\n      ').replace(/\n {6}annotations:(\n {8}.*)+/, '');
    const fc = (keys: string) =>
      `functionConfig:\n  apiVersion: eso-render.dev/v1alpha1\n  kind: RenderConfig\n  metadata: {name: r}\n  spec:\n    stores:\n    - ${platformStore}    policy:\n      rules:\n      - name: only-${keys.replace(/\W/g, '')}\n        stores: [{kind: ClusterSecretStore, name: fake, keys: ["${keys}"]}]\n`;
    const allowed = await runKrm(resourceList(esItem, fc('/d*')), env);
    expect(allowed.stderr).not.toContain('[error]');
    expect(allowed.code).toBe(0);
    const refused = await runKrm(resourceList(esItem, fc('/other/*')), env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/\[error\] external-secrets.io\/v1\/ExternalSecret\/app\/db .*policy/);
  });

  it('exit 2 when stdin is not one ResourceList', async () => {
    for (const input of ['', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', 'a: 1\n---\nb: 2\n', 'items: [\n']) {
      const r = await runKrm(input, env);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^eso-render: /);
    }
  });

  it('gives the extra Secrets of one ClusterExternalSecret fresh indexes in its file and no ids', async () => {
    const ces = `- apiVersion: external-secrets.io/v1
  kind: ClusterExternalSecret
  metadata:
    name: shared
    annotations:
      internal.config.kubernetes.io/path: 'shared.yaml'
      internal.config.kubernetes.io/index: '0'
      config.kubernetes.io/path: 'shared.yaml'
      config.kubernetes.io/index: '0'
      config.k8s.io/id: '7'
  spec:
    namespaces: [a, b]
    externalSecretSpec:
      secretStoreRef: {kind: ClusterSecretStore, name: fake}
      target: {name: shared}
      data: [{secretKey: user, remoteRef: {key: /db, property: user}}]
`;
    const r = await runKrm(resourceList(storeItem + ces), env);
    expect(r.stderr).not.toContain('[error]');
    expect(r.code).toBe(0);
    const secrets = out(r.stdout).items.filter((i: any) => i.kind === 'Secret');
    expect(secrets.map((s: any) => [s.metadata.namespace, s.metadata.annotations['internal.config.kubernetes.io/index'], s.metadata.annotations['config.kubernetes.io/index'], s.metadata.annotations['config.k8s.io/id']])).toEqual([
      ['a', '0', '0', '7'],
      ['b', '1', '1', undefined],
    ]);
  });
});

describe('relative paths in the function config', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'krm-paths-'));
    mkdirSync(join(dir, 'pkg'));
    writeFileSync(join(dir, 'stores.yaml'), storeItem.slice(2).replace(/^ {2}/gm, '').replace(/\n {2}annotations:(\n {4}.*)+/, ''));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resolve against the package kpt names, else the shortest package-path of the items, else the cwd', () => {
    const item = (p: string) => ({ object: { metadata: { annotations: { 'internal.config.kubernetes.io/package-path': p } } } });
    const fc = { metadata: { annotations: { 'internal.config.kubernetes.io/package-path': '/own' } } };
    expect(krmBaseDir(fc, [item('/a')], '/cwd')).toBe('/own');
    expect(krmBaseDir({ kind: 'ConfigMap' }, [item('/a/sub'), item('/a'), item('/a/sub/deeper')], '/cwd')).toBe('/a');
    expect(krmBaseDir(undefined, [{ object: {} }], '/cwd')).toBe('/cwd');
  });

  it('kpt render with configPath: storeFiles relative to the package, not the cwd', async () => {
    const fc = `functionConfig:\n  apiVersion: eso-render.dev/v1alpha1\n  kind: RenderConfig\n  metadata:\n    name: r\n    annotations:\n      internal.config.kubernetes.io/package-path: '${join(dir, 'pkg')}'\n  spec:\n    storeFiles: [../stores.yaml]\n`;
    const r = await runKrm(resourceList(esItem, fc), { cwd: '/', vars: {} });
    expect(r.stderr).not.toContain('[error]');
    expect(r.code).toBe(0);
  });

  it('the legacy plugin resolves against KUSTOMIZE_PLUGIN_CONFIG_ROOT, not the temporary config file', async () => {
    const tmpConfig = join(tmpdir(), `kust-plugin-config-${process.pid}`);
    writeFileSync(tmpConfig, 'apiVersion: eso-render.dev/v1alpha1\nkind: RenderConfig\nmetadata:\n  name: r\nspec:\n  storeFiles: [stores.yaml]\n');
    try {
      const stream = esItem.slice(2).replace(/^ {2}/gm, '');
      const ok = await runLegacyPlugin(tmpConfig, stream, { cwd: '/', vars: { KUSTOMIZE_PLUGIN_CONFIG_ROOT: dir } });
      expect(ok.code).toBe(0);
      const docs = parseAllDocuments(ok.stdout).map((d) => d.toJS());
      expect(docs.map((d) => d.kind)).toEqual(['Secret']);
      // Without it, the cwd: stores.yaml is not in / and the run says where it looked.
      const bad = await runLegacyPlugin(tmpConfig, stream, { cwd: '/', vars: {} });
      expect(bad.code).toBe(3);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toContain('spec.storeFiles[0]: stores.yaml does not exist (resolved to /stores.yaml)');
    } finally {
      rmSync(tmpConfig, { force: true });
    }
  });
});
