// Tenancy policy matrix: every combination of app context × store × key × stream-defined store × target
// namespace is rendered; a value from a store may reach the output only where the expectation says so.
import { describe, expect, it } from 'vitest';
import { render } from './render.js';
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
