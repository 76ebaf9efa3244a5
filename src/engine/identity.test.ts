// One Secret per namespace/name (issue 15): what a user sees when several writers meet on one Secret.
import { describe, expect, it } from 'vitest';
import { render } from './render.js';
import { defaultRenderOptions, type Item, type KubeObject } from './types.js';

const store: KubeObject = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ClusterSecretStore',
  metadata: { name: 'fake' },
  spec: { provider: { fake: { data: [{ key: 'a', value: 'value-a' }, { key: 'b', value: 'value-b' }] } } },
};
const es = (name: string, target: Record<string, unknown>, key = 'a', extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: { name, namespace: 'apps', ...extra },
  spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'fake' }, target, data: [{ secretKey: key, remoteRef: { key } }] },
});
const secret = (name: string, more: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'apps' }, ...more });
const run = (...objects: KubeObject[]) => render(objects.map((object): Item => ({ object })), defaultRenderOptions);
const text = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

describe('one Secret per identity', () => {
  it('merges Merge ExternalSecrets into the stream Secret, at its place, keeping its type and keys', async () => {
    const out = await run(store, es('m1', { name: 'tls', creationPolicy: 'Merge' }, 'a'), secret('tls', { type: 'kubernetes.io/tls', data: { 'tls.crt': Buffer.from('C').toString('base64') } }), es('m2', { name: 'tls', creationPolicy: 'Merge' }, 'b'));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const secrets = out.items.filter((i) => i.object.kind === 'Secret');
    expect(secrets).toHaveLength(1);
    expect(out.items.map((i) => i.object.kind)).toEqual(['Secret']);
    const s = secrets[0]!.object;
    expect(s['type']).toBe('kubernetes.io/tls');
    expect(Object.fromEntries(Object.entries(s['data'] as Record<string, string>).map(([k, v]) => [k, text(v)]))).toEqual({ a: 'value-a', b: 'value-b', 'tls.crt': 'C' });
    expect(s.metadata?.annotations?.['argocd.argoproj.io/sync-options']).toBeUndefined();
    expect(s.metadata?.annotations?.['eso-render.dev/external-secret']).toBe('apps/m1,apps/m2');
    expect(out.stats.secretsEmitted).toBe(1);
  });

  it('warns when two contributors write one key, and keeps the later one in the stream', async () => {
    const out = await run(store, es('first', { name: 'x', creationPolicy: 'CreateOrMerge' }, 'a'), {
      ...es('second', { name: 'x', creationPolicy: 'Merge' }, 'b'),
      spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'fake' }, target: { name: 'x', creationPolicy: 'Merge' }, data: [{ secretKey: 'a', remoteRef: { key: 'b' } }] },
    });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const s = out.items.find((i) => i.object.kind === 'Secret')!.object;
    expect(text((s['data'] as Record<string, string>)['a']!)).toBe('value-b');
    const w = out.results.filter((r) => r.severity === 'warning');
    expect(w).toHaveLength(1);
    expect(w[0]!.message).toContain('data key a is written by ExternalSecret apps/first (creationPolicy CreateOrMerge) and ExternalSecret apps/second (creationPolicy Merge)');
    expect(w[0]!.message).not.toContain('value-');
  });

  it('fails when a stream Secret of another type would be retyped by template.type', async () => {
    const out = await run(store, es('m', { name: 'tls', creationPolicy: 'Merge', template: { type: 'Opaque' } }), secret('tls', { type: 'kubernetes.io/tls' }));
    expect(out.ok).toBe(false);
    expect(out.results.find((r) => r.severity === 'error')!.message).toMatch(/has type kubernetes.io\/tls and ExternalSecret apps\/m \(creationPolicy Merge\) sets template.type Opaque/);
  });

  it('fails when the stream Secret is immutable and the merge would change it', async () => {
    const out = await run(store, es('m', { name: 's', creationPolicy: 'Merge' }), secret('s', { immutable: true, data: {} }));
    expect(out.ok).toBe(false);
    expect(out.results.find((r) => r.severity === 'error')!.message).toContain('secret is immutable');
  });

  it('fails when an Owner ExternalSecret targets a Secret that is also in the stream, naming both', async () => {
    const out = await run(store, secret('s', { stringData: { k: 'v' } }), es('o', { name: 's' }));
    expect(out.ok).toBe(false);
    expect(out.results.find((r) => r.severity === 'error')!.message).toContain('Secret apps/s is written by ExternalSecret apps/o (creationPolicy Owner) and the Secret apps/s in the stream');
  });

  it('leaves Secrets of other names alone, and one ExternalSecret per Secret as before', async () => {
    const out = await run(store, secret('unrelated', { stringData: { k: 'v' } }), es('o', { name: 's' }), es('m', { name: 't', creationPolicy: 'Merge' }));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.items.map((i) => i.object.metadata?.name)).toEqual(['unrelated', 's', 't']);
    expect(out.items[0]!.object['stringData']).toEqual({ k: 'v' });
  });
});

describe('hook annotations', () => {
  it('warn when an ExternalSecret annotation makes its Secret an Argo CD hook', async () => {
    const out = await run(store, es('h', {}, 'a', { annotations: { 'helm.sh/hook': 'pre-install', 'helm.sh/hook-weight': '1' } }));
    expect(out.ok).toBe(true);
    const w = out.results.filter((r) => r.severity === 'warning');
    expect(w.map((r) => r.field?.path)).toEqual(['metadata.annotations.helm.sh/hook']);
    expect(w[0]!.message).toContain('makes the Secret an Argo CD hook');
  });

  it('warn for a hook annotation set by template.metadata.annotations', async () => {
    const out = await run(store, es('h', { template: { metadata: { annotations: { 'argocd.argoproj.io/hook': 'PreSync' } } } }));
    expect(out.results.filter((r) => r.severity === 'warning').map((r) => r.field?.path)).toEqual(['spec.target.template.metadata.annotations.argocd.argoproj.io/hook']);
  });
});

describe('conflicts the manifests alone decide', () => {
  it('fail before any request, in render and in validate', async () => {
    const out = await run(store, es('one', { name: 'x' }), es('two', { name: 'x' }));
    expect(out.ok).toBe(false);
    expect(out.stats.requests).toEqual({});
    const { validate } = await import('./validate.js');
    const v = await validate([store, es('one', { name: 'x' }), es('two', { name: 'x' })].map((object) => ({ object })), defaultRenderOptions);
    expect(v.results.filter((r) => r.severity === 'error').map((r) => r.message)).toEqual([expect.stringContaining('secret is owned by another ExternalSecret: one')]);
  });

  it('ignore creationPolicy None, which writes nothing', async () => {
    const out = await run(store, es('one', { name: 'x' }), es('probe', { name: 'x', creationPolicy: 'None' }));
    expect(out.ok).toBe(true);
  });
});

describe('sync options of a Merge Secret without its target in the stream', () => {
  it('keep the user options and replace a contradicting one', async () => {
    const out = await run(store, es('m', { name: 'x', creationPolicy: 'Merge' }, 'a', { annotations: { 'argocd.argoproj.io/sync-options': 'Replace=false, Prune=true' } }));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const s = out.items.find((i) => i.object.kind === 'Secret')!.object;
    expect(s.metadata?.annotations?.['argocd.argoproj.io/sync-options']).toBe('Replace=false,Prune=false,ServerSideApply=true');
    expect(s['type']).toBeUndefined();
  });
});
