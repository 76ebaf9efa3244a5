import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRenderOptions } from '../engine/types.js';
import { parseGoDuration } from '../common/duration.js';
import { loadRenderConfig, readRenderConfigFile, renderConfigSpecFields } from './renderconfig.js';

const store = (kind: string, name: string) =>
  `apiVersion: external-secrets.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n  provider:\n    fake:\n      data: []\n`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'renderconfig-'));
  mkdirSync(join(dir, 'platform/stores'), { recursive: true });
  mkdirSync(join(dir, 'platform/creds/app/vault-token'), { recursive: true });
  mkdirSync(join(dir, 'app'));
  // A directory is read in name order, YAML and JSON only.
  writeFileSync(join(dir, 'platform/stores/b.yaml'), store('ClusterSecretStore', 'second'));
  writeFileSync(join(dir, 'platform/stores/a.yml'), store('ClusterSecretStore', 'first'));
  writeFileSync(join(dir, 'platform/stores/README.md'), '# not a manifest');
  writeFileSync(join(dir, 'platform/extra.yaml'), store('SecretStore', 'third'));
  writeFileSync(join(dir, 'platform/deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');
  writeFileSync(join(dir, 'platform/broken.yaml'), 'apiVersion: v1\nkind: x\n  value: s3cr3t-do-not-print: [\n');
  writeFileSync(join(dir, 'app/es.yaml'), 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: db\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rc = (spec: unknown) => ({ apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', metadata: { name: 'render' }, spec });

describe('RenderConfig', () => {
  it('reads every field into RenderOptions, resolving relative paths against the base folder', () => {
    const { options, problems, resources } = loadRenderConfig(
      rc({
        stores: [{ apiVersion: 'external-secrets.io/v1beta1', kind: 'SecretStore', metadata: { name: 'inline', namespace: 'app' } }],
        storeFiles: ['../platform/stores', '../platform/extra.yaml'],
        resourceFiles: ['es.yaml'],
        resources: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tpl' }, data: { a: 'b' } }],
        credentialsDir: '../platform/creds',
        allowStreamCredentials: true,
        keepStores: true,
        concurrency: { perStore: 2, global: 8 },
        deadline: '1m30s',
        templateDelimiters: { left: '<<', right: '>>' },
      }),
      join(dir, 'app'),
    );
    expect(problems).toEqual([]);
    expect(options.platformStores.map((s) => s.metadata?.name)).toEqual(['inline', 'first', 'second', 'third']);
    expect(options.credentialsDir).toBe(join(dir, 'platform/creds'));
    expect(options.allowStreamCredentials).toBe(true);
    expect(options.keepStores).toBe(true);
    expect(options.concurrency).toEqual({ perStore: 2, global: 8 });
    expect(options.deadlineMs).toBe(90_000);
    expect(options.delimiters).toEqual({ left: '<<', right: '>>' });
    expect(options.baseDir).toBe(join(dir, 'app'));
    expect(resources.map((r) => `${r.object.kind}/${r.object.metadata?.name}`)).toEqual(['ExternalSecret/db', 'ConfigMap/tpl']);
  });

  it('gives the defaults for no config, an empty spec and an empty ConfigMap', () => {
    for (const cfg of [undefined, null, rc(undefined), rc({}), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'function-input' }, data: {} }]) {
      const { options, problems } = loadRenderConfig(cfg, dir);
      expect(problems).toEqual([]);
      expect({ ...options, baseDir: undefined }).toEqual({ ...defaultRenderOptions, baseDir: undefined });
    }
  });

  it('keeps partial concurrency and delimiters at their defaults for the fields not given', () => {
    const { options } = loadRenderConfig(rc({ concurrency: { global: 3 }, templateDelimiters: { right: ']]' } }), dir);
    expect(options.concurrency).toEqual({ perStore: defaultRenderOptions.concurrency.perStore, global: 3 });
    expect(options.delimiters).toEqual({ left: '{{', right: ']]' });
  });

  it('rejects unknown fields, naming each one', () => {
    const { problems } = loadRenderConfig(
      { ...rc({ keepStore: true, concurrency: { perstore: 2 }, templateDelimiters: { start: '[' } }), data: {} },
      dir,
    );
    expect(problems.map((p) => p.field?.path)).toEqual(['data', 'spec.keepStore', 'spec.concurrency.perstore', 'spec.templateDelimiters.start']);
    expect(problems.every((p) => p.severity === 'error')).toBe(true);
    expect(problems[1]!.message).toMatch(/unknown field; known fields are .*keepStores/);
    expect(problems[1]!.resourceRef).toEqual({ apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', name: 'render' });
  });

  it('rejects values of the wrong type or range, saying what was expected', () => {
    const { problems } = loadRenderConfig(
      rc({
        keepStores: 'yes',
        allowStreamCredentials: 1,
        concurrency: { perStore: 0, global: 2.5 },
        deadline: '5 seconds',
        templateDelimiters: { left: '' },
        credentialsDir: '',
        stores: {},
        storeFiles: 'stores.yaml',
      }),
      dir,
    );
    const byField = Object.fromEntries(problems.map((p) => [p.field?.path, p.message]));
    expect(byField['spec.keepStores']).toBe('must be true or false, got string "yes"');
    expect(byField['spec.allowStreamCredentials']).toBe('must be true or false, got number 1');
    expect(byField['spec.concurrency.perStore']).toBe('must be an integer of at least 1, got number 0');
    expect(byField['spec.concurrency.global']).toBe('must be an integer of at least 1, got number 2.5');
    expect(byField['spec.deadline']).toMatch(/invalid duration "5 seconds"/);
    expect(byField['spec.templateDelimiters.left']).toMatch(/non-empty string/);
    expect(byField['spec.credentialsDir']).toMatch(/must be a path/);
    expect(byField['spec.stores']).toMatch(/must be a list of store manifests, got a mapping/);
    expect(byField['spec.storeFiles']).toMatch(/must be a list of paths/);
    expect(loadRenderConfig(rc({ deadline: '0s' }), dir).problems[0]!.message).toBe('must be longer than zero, got "0s"');
  });

  it('reports store files that are missing, unreadable YAML, or hold something other than stores', () => {
    const { problems, options } = loadRenderConfig(rc({ storeFiles: ['nope.yaml', 'platform/deploy.yaml', 'platform/broken.yaml'] }), dir);
    expect(options.platformStores).toEqual([]);
    expect(problems.map((p) => p.field?.path)).toEqual(['spec.storeFiles[0]', 'spec.storeFiles', 'spec.storeFiles[2]']);
    expect(problems[0]!.message).toBe(`nope.yaml does not exist (resolved to ${join(dir, 'nope.yaml')})`);
    expect(problems[1]!.message).toBe(`${join(dir, 'platform/deploy.yaml')} (document 1): holds a Deployment; only SecretStore and ClusterSecretStore belong here`);
    expect(problems[2]!.message).toContain(`${join(dir, 'platform/broken.yaml')} is not a valid manifest stream`);
    // The YAML error names the place, never the text of the offending line.
    expect(JSON.stringify(problems)).not.toContain('s3cr3t-do-not-print');
  });

  it('rejects inline stores of another kind or without a name', () => {
    const { problems } = loadRenderConfig(
      rc({ stores: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }, { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: {} }, { apiVersion: 'external-secrets.io/v2', kind: 'SecretStore', metadata: { name: 'x' } }] }),
      dir,
    );
    expect(problems.map((p) => `${p.field?.path}: ${p.message}`)).toEqual([
      'spec.stores[0]: holds a Secret; only SecretStore and ClusterSecretStore belong here',
      'spec.stores[1]: SecretStore has no metadata.name',
      'spec.stores[2]: SecretStore has apiVersion "external-secrets.io/v2"; expected external-secrets.io/v1 or external-secrets.io/v1beta1',
    ]);
  });

  it('rejects other kinds of function config', () => {
    const { problems } = loadRenderConfig({ apiVersion: 'example.com/v1', kind: 'SetTeam', metadata: { name: 'x' } }, dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/unsupported function config example.com\/v1\/SetTeam; use apiVersion eso-render.dev\/v1alpha1, kind RenderConfig/);
    expect(loadRenderConfig({ ...rc({}), apiVersion: 'eso-render.dev/v1' }, dir).problems).toHaveLength(1);
    expect(loadRenderConfig('keepStores=true', dir).problems[0]!.message).toMatch(/must be a RenderConfig or a ConfigMap/);
  });
});

describe('policy and rollout', () => {
  const policy = {
    rules: [
      { name: 'payments', match: { projects: ['payments'], apps: ['pay-*'] }, stores: [{ kind: 'ClusterSecretStore', name: 'aws-prod', keys: ['/prod/payments/*'] }], targetNamespaces: ['pay-shared'] },
      { name: 'sandbox', match: { projects: ['sandbox'] }, allowStreamStores: true },
    ],
  };

  it('reads the tenancy policy and rollout-on-change', () => {
    const { options, problems } = loadRenderConfig(rc({ policy, rollout: { onChange: true } }), dir);
    expect(problems).toEqual([]);
    expect(options.policy).toEqual(policy);
    expect(options.rolloutOnChange).toBe(true);
  });

  it('rejects a policy with unknown or mistyped fields, naming each, and then applies none of it', () => {
    const { options, problems } = loadRenderConfig(
      rc({
        policy: {
          rules: [
            { name: 'a', match: { project: ['x'] }, stores: [{ kind: 'Store', name: 'x' }, { kind: 'SecretStore', name: 'y', keys: '/prod/*' }] },
            { match: {} },
            { name: 'a', allowStreamStores: 'yes', targetNamespaces: [''] },
          ],
          default: 'deny',
        },
        rollout: { onchange: true },
      }),
      dir,
    );
    expect(options.policy).toBeUndefined();
    expect(problems.map((p) => p.field?.path)).toEqual([
      'spec.policy.default',
      'spec.policy.rules[0].match.project',
      'spec.policy.rules[0].stores[0].kind',
      'spec.policy.rules[0].stores[1].keys',
      'spec.policy.rules[1].name',
      'spec.policy.rules[2].targetNamespaces',
      'spec.policy.rules[2].allowStreamStores',
      'spec.policy.rules[2].name',
      'spec.rollout.onchange',
    ]);
    expect(problems[0]!.message).toBe('unknown field; expected one of rules');
    expect(problems[7]!.message).toBe('duplicate rule name "a"');
  });

  it('takes both from a ConfigMap too', () => {
    const { options, problems } = loadRenderConfig(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'function-input' }, data: { rolloutOnChange: 'true', policy: 'rules:\n- name: all\n  allowStreamStores: true\n' } },
      dir,
    );
    expect(problems).toEqual([]);
    expect(options.rolloutOnChange).toBe(true);
    expect(options.policy).toEqual({ rules: [{ name: 'all', allowStreamStores: true }] });
  });
});

describe('ConfigMap function config (kpt configMap:, fn eval -- key=value)', () => {
  it('reads the same settings from string data', () => {
    const { options, problems, resources } = loadRenderConfig(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'function-input' },
        data: {
          storeFiles: 'platform/stores, platform/extra.yaml',
          resourceFiles: 'app/es.yaml',
          credentialsDir: 'platform/creds',
          allowStreamCredentials: 'true',
          keepStores: 'false',
          concurrencyPerStore: '3',
          concurrencyGlobal: '9',
          deadline: '2s',
          templateLeftDelimiter: '[[',
          templateRightDelimiter: ']]',
          stores: store('ClusterSecretStore', 'inline-a') + '---\n' + store('ClusterSecretStore', 'inline-b'),
        },
      },
      dir,
    );
    expect(problems).toEqual([]);
    expect(options.platformStores.map((s) => s.metadata?.name)).toEqual(['first', 'second', 'third', 'inline-a', 'inline-b']);
    expect(options.credentialsDir).toBe(join(dir, 'platform/creds'));
    expect(options.allowStreamCredentials).toBe(true);
    expect(options.keepStores).toBe(false);
    expect(options.concurrency).toEqual({ perStore: 3, global: 9 });
    expect(options.deadlineMs).toBe(2000);
    expect(options.delimiters).toEqual({ left: '[[', right: ']]' });
    expect(resources).toHaveLength(1);
  });

  it('names the data key in every problem', () => {
    const { problems } = loadRenderConfig(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'function-input' }, data: { keepStores: 'yes', concurrencyGlobal: 'many', concurrencyPerStore: '0', deadline: 'soon', storeFiles: 'missing.yaml', team: 'platform' } },
      dir,
    );
    expect(problems.map((p) => `${p.field?.path}: ${p.message}`)).toEqual([
      'data.keepStores: must be "true" or "false", got "yes"',
      'data.concurrencyGlobal: must be a whole number, got "many"',
      expect.stringMatching(/^data.team: unknown key; known keys are stores, storeFiles/),
      'data.concurrencyPerStore: must be an integer of at least 1, got number 0',
      expect.stringMatching(/^data.deadline: invalid duration "soon"/),
      expect.stringMatching(/^data.storeFiles: missing.yaml does not exist/),
    ]);
  });
});

describe('readRenderConfigFile', () => {
  it("resolves against the file's folder by default, or the folder given (kustomize's temp copy)", () => {
    const file = join(dir, 'app', 'render.yaml');
    writeFileSync(file, 'apiVersion: eso-render.dev/v1alpha1\nkind: RenderConfig\nmetadata:\n  name: r\nspec:\n  credentialsDir: creds\n');
    expect(readRenderConfigFile(file).options.credentialsDir).toBe(join(dir, 'app', 'creds'));
    expect(readRenderConfigFile(file, '/srv/kust').options.credentialsDir).toBe('/srv/kust/creds');
  });

  it('reports a missing file and a file with several documents', () => {
    expect(readRenderConfigFile(join(dir, 'none.yaml')).problems[0]!.message).toMatch(/cannot read the configuration file .*none.yaml: ENOENT/);
    const two = join(dir, 'two.yaml');
    writeFileSync(two, 'a: 1\n---\nb: 2\n');
    expect(readRenderConfigFile(two).problems[0]!.message).toMatch(/holds 2 documents; expected exactly one RenderConfig/);
  });
});

describe('Go durations', () => {
  it.each([
    ['50s', 50_000], ['1m30s', 90_000], ['1.5h', 5_400_000], ['300ms', 300], ['2us', 0.002], ['1µs', 0.001], ['0', 0], ['.5s', 500], ['1h0m0s', 3_600_000],
  ])('%s = %d ms', (text, ms) => expect(parseGoDuration(text)).toBeCloseTo(ms, 9));
  it.each(['', '5', 's', '1 m', '5 seconds', '1d', '--1s'])('rejects %j', (text) => expect(() => parseGoDuration(text)).toThrow(/invalid duration/));
});

it('exports the spec fields the schema must describe', () => {
  expect(renderConfigSpecFields).toEqual(['stores', 'storeFiles', 'resources', 'resourceFiles', 'credentialsDir', 'allowStreamCredentials', 'keepStores', 'concurrency', 'deadline', 'templateDelimiters', 'policy', 'rollout', 'platformKeyFile', 'seal', 'controllerClass', 'limits', 'build', 'unmasked', 'webhook', 'serviceAccounts', 'serviceAccountFiles', 'namespaces', 'namespaceFiles', 'generators', 'generatorFiles']);
});

describe('spec.webhook (src/config/webhook-section.ts)', () => {
  const cfg = (webhook: unknown) => ({ apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', metadata: { name: 'p' }, spec: { webhook } });
  it('normalises allowed URL prefixes (a bare origin gets its /)', () => {
    const { options, problems } = loadRenderConfig(cfg({ allowedURLs: ['https://API.example.com', 'http://127.0.0.1:8080/v1/'] }), '/');
    expect(problems).toEqual([]);
    expect(options.webhook).toEqual({ allowedURLs: ['https://api.example.com/', 'http://127.0.0.1:8080/v1/'] });
  });
  it('refuses what is not an http(s) prefix with a host, and unknown fields, by field', () => {
    const { problems } = loadRenderConfig(cfg({ allowedURLs: ['*', 'file:///etc', 'https://u:p@h/', 'https://h/?q=1', 7], other: true }), '/');
    const text = problems.map((p) => `${p.field?.path}: ${p.message}`).join('\n');
    for (const i of [0, 1, 2, 3, 4]) expect(text).toContain(`spec.webhook.allowedURLs[${i}]: must be an http(s) URL prefix`);
    expect(text).toContain('spec.webhook.other: unknown field; expected allowedURLs');
  });
  it("a policy rule's webhookURLs: normalised the same way, bad entries refused by field", () => {
    const rc = (webhookURLs: unknown) => ({ apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', metadata: { name: 'p' }, spec: { policy: { rules: [{ name: 'r', allowStreamStores: true, webhookURLs }] } } });
    const ok = loadRenderConfig(rc(['https://API.example.com']), '/');
    expect(ok.problems).toEqual([]);
    expect(ok.options.policy?.rules[0]?.webhookURLs).toEqual(['https://api.example.com/']);
    const bad = loadRenderConfig(rc(['https://h/', 'https://u@h/']), '/');
    expect(bad.problems.map((p) => `${p.field?.path}: ${p.message}`).join('\n')).toContain('spec.policy.rules[0].webhookURLs[1]: must be an http(s) URL prefix');
  });
});

describe('platform facts: serviceAccounts, namespaces, generators (src/config/platform-section.ts)', () => {
  const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: 'shop' } };
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'shop' } } };
  const gen = { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'VaultDynamicSecret', metadata: { name: 'db', namespace: 'shop' }, spec: {} };
  const cfg = (spec: unknown) => ({ apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', metadata: { name: 'p' }, spec });

  it('reads them inline into the options', () => {
    const { options, problems } = loadRenderConfig(cfg({ serviceAccounts: [sa], namespaces: [ns], generators: [gen] }), '/');
    expect(problems).toEqual([]);
    expect(options.platformServiceAccounts).toEqual([sa]);
    expect(options.platformNamespaces).toEqual([ns]);
    expect(options.platformGenerators).toEqual([gen]);
  });

  it('refuses a manifest of another kind in each, naming the field', () => {
    const { problems } = loadRenderConfig(cfg({ serviceAccounts: [ns], namespaces: [sa], generators: [sa], serviceAccountFiles: 'x' }), '/');
    const text = problems.map((p) => `${p.field?.path}: ${p.message}`).join('\n');
    expect(text).toMatch(/spec.serviceAccounts\[0\]: holds v1 Namespace; only v1 ServiceAccount belongs here/);
    expect(text).toMatch(/spec.namespaces\[0\]: holds v1 ServiceAccount; only v1 Namespace belongs here/);
    expect(text).toMatch(/spec.generators\[0\]: holds v1 ServiceAccount; only generators \(generators.external-secrets.io\) belong here/);
    expect(text).toMatch(/spec.serviceAccountFiles: must be a list of paths/);
    const noNs = loadRenderConfig(cfg({ serviceAccounts: [{ ...sa, metadata: { name: 'reader' } }] }), '/');
    expect(noNs.problems[0]!.message).toMatch(/ServiceAccount has no metadata.namespace/);
  });

  it('reads them from files, and from a ConfigMap function config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eso-render-facts-'));
    writeFileSync(join(dir, 'facts-ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {x: y}}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n');
    const fromFiles = loadRenderConfig(cfg({ namespaceFiles: ['facts-ns.yaml'] }), dir);
    expect(fromFiles.problems).toEqual([]);
    expect(fromFiles.options.platformNamespaces?.map((n) => n.metadata?.name)).toEqual(['a', 'b']);
    const cm = loadRenderConfig({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fn' }, data: { namespaceFiles: 'facts-ns.yaml', serviceAccounts: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: r, namespace: a}\n' } }, dir);
    expect(cm.problems).toEqual([]);
    expect(cm.options.platformNamespaces).toHaveLength(2);
    expect(cm.options.platformServiceAccounts?.map((s) => s.metadata?.name)).toEqual(['r']);
  });
});
