// Tenancy policy matrix: every combination of app context × store × key × stream-defined store × target
// namespace is rendered; a value from a store may reach the output only where the expectation says so.
import { describe, expect, it } from 'vitest';
import { render } from './render.js';
import { Policy, generatorMethod } from './policy.js';
import { readPolicy } from '../config/policy-section.js';
import { defaultRenderOptions, type AppContext, type Item, type KubeObject, type TenancyPolicy } from './types.js';

const fakeStore = (kind: string, name: string, namespace: string | undefined, value: string): KubeObject => ({
  apiVersion: 'external-secrets.io/v1',
  kind,
  metadata: namespace ? { name, namespace } : { name },
  spec: { provider: { fake: { data: [{ key: '/prod/payments/db', value }, { key: '/prod/web/db', value }, { key: 'shared', value }] } } },
});

// Platform stores are "fake" too, but supplied by configuration, so the policy treats them as the
// platform's (only stream-defined fake stores are always allowed).
const platformStores = [
  fakeStore('ClusterSecretStore', 'aws-prod', undefined, 'VALUE-aws-prod'),
  fakeStore('ClusterSecretStore', 'vault-shared', undefined, 'VALUE-vault-shared'),
];

const policy: TenancyPolicy = {
  rules: [
    {
      name: 'payments',
      match: { projects: ['payments'], apps: ['pay-*'] },
      stores: [{ kind: 'ClusterSecretStore', name: 'aws-prod', keys: ['/prod/payments/*'] }],
      targetNamespaces: ['pay-shared'],
    },
    { name: 'everyone-shared', stores: [{ kind: 'ClusterSecretStore', name: 'vault-shared', keys: ['shared'] }] },
    { name: 'sandbox', match: { projects: ['sandbox'] }, allowStreamStores: true },
  ],
};

function es(store: string, key: string, namespace: string): KubeObject {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'x', namespace },
    spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: store }, data: [{ secretKey: 'v', remoteRef: { key } }] },
  };
}

interface Case {
  ctx: AppContext;
  store: string;
  key: string;
  ns?: string;
  streamStore?: 'fake' | 'vault';
  allowed: boolean;
  rule?: RegExp;
}

const pay: AppContext = { project: 'payments', app: 'pay-api', namespace: 'pay' };
const web: AppContext = { project: 'web', app: 'shop', namespace: 'web' };
const sandbox: AppContext = { project: 'sandbox', app: 'try', namespace: 'sb' };

const cases: Case[] = [
  { ctx: pay, store: 'aws-prod', key: '/prod/payments/db', allowed: true },
  { ctx: pay, store: 'aws-prod', key: '/prod/web/db', allowed: false, rule: /not among the key patterns of rule payments/ },
  { ctx: pay, store: 'vault-shared', key: 'shared', allowed: true },
  { ctx: pay, store: 'vault-shared', key: '/prod/payments/db', allowed: false, rule: /rule everyone-shared/ },
  { ctx: { ...pay, app: 'web-api' }, store: 'aws-prod', key: '/prod/payments/db', allowed: false, rule: /no rule allows project "payments" app "web-api"/ },
  { ctx: { ...pay, project: 'other' }, store: 'aws-prod', key: '/prod/payments/db', allowed: false, rule: /no rule allows/ },
  { ctx: web, store: 'aws-prod', key: '/prod/payments/db', allowed: false, rule: /no rule allows project "web"/ },
  { ctx: web, store: 'aws-prod', key: '/prod/web/db', allowed: false, rule: /no rule allows/ },
  { ctx: web, store: 'vault-shared', key: 'shared', allowed: true },
  // target namespaces in the shared sidecar
  { ctx: pay, store: 'aws-prod', key: '/prod/payments/db', ns: 'pay-shared', allowed: true },
  { ctx: pay, store: 'aws-prod', key: '/prod/payments/db', ns: 'kube-system', allowed: false, rule: /namespace "kube-system" is neither the application's destination/ },
  { ctx: web, store: 'vault-shared', key: 'shared', ns: 'pay', allowed: false, rule: /neither the application's destination/ },
  // stores defined in the application's own manifests
  { ctx: web, store: 'own', key: 'shared', streamStore: 'vault', allowed: false, rule: /defined in the application's own manifests/ },
  { ctx: pay, store: 'own', key: 'shared', streamStore: 'vault', allowed: false, rule: /no rule for project "payments".* sets allowStreamStores/ },
  { ctx: sandbox, store: 'own', key: 'shared', streamStore: 'vault', allowed: true },
  { ctx: web, store: 'own', key: 'shared', streamStore: 'fake', allowed: true },
  { ctx: sandbox, store: 'aws-prod', key: '/prod/payments/db', allowed: false, rule: /no rule allows project "sandbox"/ },
  // an application without a destination namespace may target only namespaces a rule names
  { ctx: { ...pay, namespace: '' }, store: 'aws-prod', key: '/prod/payments/db', ns: 'pay-shared', allowed: true },
  { ctx: { ...web, namespace: '' }, store: 'vault-shared', key: 'shared', ns: 'web', allowed: false, rule: /has no destination namespace/ },
];

describe('tenancy policy matrix (shared sidecar)', () => {
  for (const c of cases) {
    const title = `${c.ctx.project}/${c.ctx.app} → ${c.streamStore ? `own ${c.streamStore} store` : c.store} ${c.key}${c.ns ? ` in ${c.ns}` : ''}: ${c.allowed ? 'allowed' : 'refused'}`;
    it(title, async () => {
      const items: Item[] = [{ object: es(c.store, c.key, c.ns ?? c.ctx.namespace!) }];
      if (c.streamStore === 'fake') items.unshift({ object: fakeStore('ClusterSecretStore', 'own', undefined, 'VALUE-own') });
      if (c.streamStore === 'vault') {
        // A Vault store the app brought along; with the policy refusing it, no request is ever made.
        items.unshift({
          object: { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'own' },
            spec: { provider: { vault: { server: 'http://127.0.0.1:9', auth: { tokenSecretRef: { name: 't', key: 't', namespace: 'x' } } } } } },
        });
      }
      const out = await render(items, { ...defaultRenderOptions, platformStores, policy, context: c.ctx, sharedSidecar: true, deadlineMs: 2_000 });
      const text = JSON.stringify(out);
      if (c.allowed && c.streamStore !== 'vault') {
        expect(out.ok, JSON.stringify(out.results)).toBe(true);
        expect(out.ok && out.items.filter((i) => i.object.kind === 'Secret')).toHaveLength(1);
      } else if (c.allowed) {
        // Allowed by policy; the (unreachable) Vault then fails the run for its own reason.
        expect(out.results.some((r) => /policy/.test(r.message))).toBe(false);
      } else {
        expect(out.ok).toBe(false);
        expect(out.results.map((r) => r.message).join('\n')).toMatch(c.rule!);
        expect(Object.values(out.stats.requests).reduce((a, b) => a + b, 0)).toBe(0);
        expect(text).not.toMatch(/VALUE-/);
      }
    });
  }

  it('without a policy and outside the sidecar, any store may be used', async () => {
    const out = await render([{ object: es('aws-prod', '/prod/web/db', 'web') }], { ...defaultRenderOptions, platformStores });
    expect(out.ok).toBe(true);
  });

  it('a find under an allowed prefix is allowed; a find without a path is refused where keys are restricted', async () => {
    const find = (path?: string): KubeObject => ({
      apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'f', namespace: 'pay' },
      spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-prod' }, dataFrom: [{ find: { ...(path ? { path } : {}), name: { regexp: 'payments' } } }] },
    });
    const opts = { ...defaultRenderOptions, platformStores, policy, context: pay, sharedSidecar: true };
    expect((await render([{ object: find('/prod/payments/') }], opts)).ok).toBe(true);
    const refused = await render([{ object: find() }], opts);
    expect(refused.ok).toBe(false);
    expect(refused.results[0]!.message).toMatch(/a find needs find.path under one of its key prefixes/);
  });
});

// ---- issue 14: generators are stores, namespace facts come from the platform ----------------------------

const vds = (name: string, namespace: string, method?: string): KubeObject => ({
  apiVersion: 'generators.external-secrets.io/v1alpha1',
  kind: 'VaultDynamicSecret',
  metadata: { name, namespace },
  spec: { path: 'database/creds/app', ...(method !== undefined ? { method } : {}), provider: { server: 'http://127.0.0.1:9', auth: { tokenSecretRef: { name: 't', key: 't' } } } },
});
const fakeGen = (name: string, namespace: string): KubeObject => ({
  apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Fake', metadata: { name, namespace }, spec: { data: { k: 'VALUE-fake-gen' } },
});
const use = (g: KubeObject, origin: 'stream' | 'platform') => ({
  kind: String(g.kind), name: String(g.metadata!.name), namespace: String(g.metadata!.namespace), origin, generator: g,
});

const genPolicy: TenancyPolicy = {
  rules: [
    { name: 'pay-db', match: { projects: ['payments'] }, generators: [{ kind: 'VaultDynamicSecret', name: 'db-*', namespace: 'pay' }] },
    { name: 'pay-pki', match: { projects: ['payments'] }, generators: [{ kind: 'VaultDynamicSecret', name: 'pki-issue', methods: ['POST'] }] },
    { name: 'pay-cleanup', match: { projects: ['payments'] }, generators: [{ kind: 'VaultDynamicSecret', name: 'lease-revoke', methods: ['DELETE'] }] },
    { name: 'sandbox-own', match: { projects: ['sandbox'] }, allowStreamStores: true, generators: [{ kind: 'VaultDynamicSecret', name: '*', origin: 'application' }] },
    { name: 'web-streams', match: { projects: ['web'] }, allowStreamStores: true },
  ],
};

describe('generators are stores (shared sidecar)', () => {
  type G = { ctx: AppContext; gen: KubeObject; origin: 'stream' | 'platform'; policy?: TenancyPolicy; sidecar?: boolean; allowed: boolean; why?: RegExp };
  const sb: AppContext = { project: 'sandbox', app: 'try', namespace: 'sb' };
  const matrix: [string, G][] = [
    ['an app-defined VaultDynamicSecret without a policy', { ctx: web, gen: vds('db', 'web'), origin: 'stream', allowed: false, why: /VaultDynamicSecret web\/db is defined in the application's own manifests and reaches a backend/ }],
    ['an app-defined Fake generator (local)', { ctx: web, gen: fakeGen('f', 'web'), origin: 'stream', allowed: true }],
    ['a platform VaultDynamicSecret read without a policy', { ctx: web, gen: vds('db', 'web'), origin: 'platform', allowed: true }],
    ['a platform VaultDynamicSecret POST without a policy', { ctx: web, gen: vds('db', 'web', 'POST'), origin: 'platform', allowed: false, why: /uses method POST \(spec.method\).*no policy is configured/ }],
    ['a platform VaultDynamicSecret DELETE without a policy', { ctx: web, gen: vds('db', 'web', 'DELETE'), origin: 'platform', allowed: false, why: /uses method DELETE/ }],
    ['outside the sidecar without a policy: an app-defined DELETE (the caller\'s own authority)', { ctx: web, gen: vds('db', 'web', 'DELETE'), origin: 'stream', sidecar: false, allowed: true }],
    ['a granted platform generator, GET', { ctx: pay, gen: vds('db-main', 'pay'), origin: 'platform', policy: genPolicy, allowed: true }],
    ['a granted platform generator, LIST', { ctx: pay, gen: vds('db-main', 'pay', 'LIST'), origin: 'platform', policy: genPolicy, allowed: true }],
    ['a granted platform generator, PUT without methods', { ctx: pay, gen: vds('db-main', 'pay', 'PUT'), origin: 'platform', policy: genPolicy, allowed: false, why: /uses method PUT.*rule pay-db allows methods GET, LIST/ }],
    ['a granted platform generator, a lower-case "get" (ESO sends it as a write)', { ctx: pay, gen: vds('db-main', 'pay', 'get'), origin: 'platform', policy: genPolicy, allowed: false, why: /uses method PUT \(spec.method "get", which ESO sends as a write\)/ }],
    ['a granted platform generator, DELETE without methods', { ctx: pay, gen: vds('db-main', 'pay', 'DELETE'), origin: 'platform', policy: genPolicy, allowed: false, why: /uses method DELETE/ }],
    ['methods: [POST] allows PUT (the same write to Vault)', { ctx: pay, gen: vds('pki-issue', 'pay', 'PUT'), origin: 'platform', policy: genPolicy, allowed: true }],
    ['methods: [POST] does not allow DELETE', { ctx: pay, gen: vds('pki-issue', 'pay', 'DELETE'), origin: 'platform', policy: genPolicy, allowed: false, why: /rule pay-pki allows methods POST/ }],
    ['methods: [DELETE] allows DELETE', { ctx: pay, gen: vds('lease-revoke', 'pay', 'DELETE'), origin: 'platform', policy: genPolicy, allowed: true }],
    ['a grant for another namespace', { ctx: pay, gen: vds('db-main', 'pay-shared'), origin: 'platform', policy: genPolicy, allowed: false, why: /no rule allows project "payments".* generator VaultDynamicSecret pay-shared\/db-main/ }],
    ['a platform generator no rule names', { ctx: pay, gen: vds('other', 'pay'), origin: 'platform', policy: genPolicy, allowed: false, why: /no rule allows .* generator VaultDynamicSecret pay\/other \(a platform generator needs a generators entry\)/ }],
    ['a grant of platform generators does not cover an app-defined one of the same name', { ctx: pay, gen: vds('db-main', 'pay'), origin: 'stream', policy: genPolicy, allowed: false, why: /defined in the application's own manifests.*origin: application/ }],
    ['allowStreamStores does not grant app-defined generators', { ctx: web, gen: vds('db', 'web'), origin: 'stream', policy: genPolicy, allowed: false, why: /defined in the application's own manifests/ }],
    ['origin: application grants an app-defined generator', { ctx: sb, gen: vds('mine', 'sb'), origin: 'stream', policy: genPolicy, allowed: true }],
    ['origin: application still refuses writes without methods', { ctx: sb, gen: vds('mine', 'sb', 'POST'), origin: 'stream', policy: genPolicy, allowed: false, why: /rule sandbox-own allows methods GET, LIST/ }],
    ['a rule of another project does not apply', { ctx: web, gen: vds('db-main', 'pay'), origin: 'platform', policy: genPolicy, allowed: false, why: /no rule allows project "web"/ }],
  ];
  it.each(matrix)('%s', (_t, g) => {
    const p = new Policy(g.policy, g.ctx, g.sidecar ?? true);
    const denied = p.checkGenerator(use(g.gen, g.origin));
    if (g.allowed) expect(denied).toBeUndefined();
    else expect(denied).toMatch(g.why!);
  });

  it('reads spec.method as ESO does', () => {
    expect(['', 'GET', 'LIST', 'DELETE', 'POST', 'PUT', 'get', 'PATCH'].map((m) => generatorMethod(vds('g', 'n', m)))).toEqual(['GET', 'GET', 'LIST', 'DELETE', 'POST', 'PUT', 'PUT', 'PUT']);
    expect(generatorMethod(vds('g', 'n'))).toBe('GET');
    expect(generatorMethod(fakeGen('g', 'n'))).toBeUndefined();
  });

  it('a refused generator fails the run in plan: no request, its output nowhere', async () => {
    const ref: KubeObject = {
      apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'g', namespace: 'web' },
      spec: { dataFrom: [{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'VaultDynamicSecret', name: 'db' } } }] },
    };
    const out = await render([{ object: vds('db', 'web', 'DELETE') }, { object: ref }], { ...defaultRenderOptions, context: web, sharedSidecar: true, deadlineMs: 2_000 });
    expect(out.ok).toBe(false);
    expect(out.results.map((r) => `${r.field?.path}: ${r.message}`).join('\n')).toMatch(/spec.dataFrom\[0\].sourceRef.generatorRef: policy: generator VaultDynamicSecret web\/db is defined in the application's own manifests/);
    expect(out.stats.requests).toEqual({});
  });

  it('a platform generator serves the app, and one defined in both places is an error', async () => {
    const ref: KubeObject = {
      apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'g', namespace: 'web' },
      spec: { dataFrom: [{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Fake', name: 'f' } } }] },
    };
    const ok = await render([{ object: ref }], { ...defaultRenderOptions, context: web, sharedSidecar: true, platformGenerators: [fakeGen('f', 'web')] });
    expect(ok.ok, JSON.stringify(ok.results)).toBe(true);
    expect(ok.ok && Buffer.from(String((ok.items[0]!.object['data'] as Record<string, string>)['k']), 'base64').toString()).toBe('VALUE-fake-gen');
    const twice = await render([{ object: fakeGen('f', 'web') }, { object: ref }], { ...defaultRenderOptions, context: web, sharedSidecar: true, platformGenerators: [fakeGen('f', 'web')] });
    expect(twice.ok).toBe(false);
    expect(twice.results.map((r) => r.message).join('\n')).toMatch(/generator Fake web\/f is defined in both the stream and the platform configuration/);
  });

  it('policy rules read generators entries, refusing unknown fields and methods', () => {
    const problems: string[] = [];
    const p = readPolicy({ rules: [{ name: 'a', generators: [{ kind: 'VaultDynamicSecret', name: 'db', origin: 'application', methods: ['GET', 'POST'] }] }] }, (at, m) => problems.push(`${at}: ${m}`));
    expect(problems).toEqual([]);
    expect(p?.rules[0]?.generators).toEqual([{ kind: 'VaultDynamicSecret', name: 'db', origin: 'application', methods: ['GET', 'POST'] }]);
    const bad: string[] = [];
    readPolicy({ rules: [{ name: 'a', generators: [{ kind: 'VaultDynamicSecret', name: 'db', methods: ['PATCH'] }, { kind: 'VaultDynamicSecret', name: 'x', origin: 'app' }, { kind: 'VaultDynamicSecret', name: 'y', write: true }] }] }, (at, m) => bad.push(`${at}: ${m}`));
    expect(bad.join('\n')).toMatch(/generators\[0\]\.methods: must be a list of GET, LIST, POST, PUT, DELETE/);
    expect(bad.join('\n')).toMatch(/generators\[1\]\.origin: must be platform/);
    expect(bad.join('\n')).toMatch(/generators\[2\]\.write: unknown field/);
  });
});

describe('namespace facts come from the platform', () => {
  const guarded: KubeObject = {
    apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'guarded' },
    spec: { conditions: [{ namespaceSelector: { matchLabels: { tier: 'payments' } } }], provider: { fake: { data: [{ key: 'k', value: 'VALUE-guarded' }] } } },
  };
  const ns = (name: string, labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  const esIn = (namespace: string) => es('guarded', 'k', namespace);

  it('in the shared sidecar a Namespace the app ships does not satisfy a namespaceSelector condition', async () => {
    const out = await render([{ object: ns('web', { tier: 'payments' }) }, { object: esIn('web') }], { ...defaultRenderOptions, platformStores: [guarded], context: web, sharedSidecar: true });
    expect(out.ok).toBe(false);
    expect(out.results.map((r) => r.message).join('\n')).toMatch(/denied by spec.condition \(a namespaceSelector needs the Namespace web declared in spec.namespaces\/spec.namespaceFiles of the platform RenderConfig \(the shared sidecar does not trust Namespaces the application ships\)/);
    expect(JSON.stringify(out)).not.toMatch(/VALUE-/);
  });

  it('the Namespaces the platform declares decide, whatever the stream says', async () => {
    const opts = { ...defaultRenderOptions, platformStores: [guarded], context: web, sharedSidecar: true };
    const allowed = await render([{ object: esIn('web') }], { ...opts, platformNamespaces: [ns('web', { tier: 'payments' })] });
    expect(allowed.ok, JSON.stringify(allowed.results)).toBe(true);
    const denied = await render([{ object: ns('web', { tier: 'payments' }) }, { object: esIn('web') }], { ...opts, platformNamespaces: [ns('web', { tier: 'web' })] });
    expect(denied.ok).toBe(false);
    expect(denied.results[0]!.message).toMatch(/denied by spec.condition$/);
  });

  it('outside the sidecar the stream\'s Namespaces count, and the platform\'s win over them', async () => {
    const opts = { ...defaultRenderOptions, platformStores: [guarded] };
    expect((await render([{ object: ns('web', { tier: 'payments' }) }, { object: esIn('web') }], opts)).ok).toBe(true);
    expect((await render([{ object: ns('web', { tier: 'payments' }) }, { object: esIn('web') }], { ...opts, platformNamespaces: [ns('web', {})] })).ok).toBe(false);
  });

  const ces: KubeObject = {
    apiVersion: 'external-secrets.io/v1', kind: 'ClusterExternalSecret', metadata: { name: 'fan' },
    spec: { namespaceSelectors: [{ matchLabels: { team: 'web' } }], externalSecretSpec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'open' }, data: [{ secretKey: 'v', remoteRef: { key: 'k' } }] } },
  };
  const open = fakeStore('ClusterSecretStore', 'open', undefined, 'VALUE-open');
  open.spec = { provider: { fake: { data: [{ key: 'k', value: 'VALUE-open' }] } } };

  it('ClusterExternalSecret selection in the sidecar ignores stream Namespaces and says where to declare them', async () => {
    const out = await render([{ object: ns('web', { team: 'web' }) }, { object: ces }], { ...defaultRenderOptions, platformStores: [open], context: web, sharedSidecar: true });
    expect(out.ok).toBe(false);
    expect(out.results.map((r) => r.message).join('\n')).toMatch(/the shared sidecar reads Namespace labels only from the platform configuration, which declares none \(spec.namespaces or spec.namespaceFiles of the platform RenderConfig\); Namespaces shipped by the application are not trusted for labels/);
  });

  it('ClusterExternalSecret selection uses the declared Namespaces and warns which it selected', async () => {
    const out = await render([{ object: ns('web-b', { team: 'web' }) }, { object: ces }], {
      ...defaultRenderOptions, platformStores: [open], context: web, sharedSidecar: true,
      platformNamespaces: [ns('web', { team: 'web' }), ns('pay', { team: 'pay' })],
    });
    expect(out.ok, JSON.stringify(out.results)).toBe(true);
    expect(out.ok && out.items.map((i) => `${i.object.kind}/${i.object.metadata?.namespace}`)).toEqual(['Namespace/undefined', 'Secret/web']);
    const w = out.results.find((r) => r.severity === 'warning')!;
    expect(w.message).toMatch(/^selected by label namespaces "web" out of the Namespaces declared in the platform configuration \(the shared sidecar does not trust Namespaces in the stream\); ESO would select from every namespace of the cluster, so this view is only as complete as what was declared/);
    expect(w.field?.path).toBe('spec.namespaceSelectors');
  });

  it('outside the sidecar ClusterExternalSecret selection reads the platform\'s and the stream\'s Namespaces', async () => {
    const out = await render([{ object: ns('web-b', { team: 'web' }) }, { object: ces }], { ...defaultRenderOptions, platformStores: [open], platformNamespaces: [ns('web', { team: 'web' })] });
    expect(out.ok, JSON.stringify(out.results)).toBe(true);
    expect(out.results.find((r) => r.severity === 'warning')!.message).toMatch(/namespaces "web", "web-b" out of the Namespaces declared in the platform configuration and the stream/);
  });
});
