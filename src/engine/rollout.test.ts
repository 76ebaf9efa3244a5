// Given workloads that consume rendered Secrets, when rollout-on-change is on, then each pod template
// carries a checksum of the Secrets it consumes, and a changed secret value changes only that checksum.
import { describe, expect, it } from 'vitest';
import { render } from './render.js';
import { defaultRenderOptions, type Item, type KubeObject } from './types.js';
import { ANNOTATION_CHECKSUM } from './rollout.js';
import { parseManifests, writeManifests } from '../frontends/stream.js';

const podSpecs: Record<string, KubeObject> = {
  env: { containers: [{ name: 'a', image: 'x', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] }] },
  envFrom: { containers: [{ name: 'a', image: 'x', envFrom: [{ secretRef: { name: 'db' } }] }] },
  volume: { containers: [{ name: 'a', image: 'x' }], volumes: [{ name: 'v', secret: { secretName: 'db' } }] },
  projected: { containers: [{ name: 'a', image: 'x' }], volumes: [{ name: 'v', projected: { sources: [{ secret: { name: 'db' } }] } }] },
  init: { initContainers: [{ name: 'i', image: 'x', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] }], containers: [{ name: 'a', image: 'x' }] },
};

function workload(kind: string, spec: KubeObject, annotations?: Record<string, string>): KubeObject {
  const template = { metadata: { labels: { app: 'w' }, annotations: { 'reloader.stakater.com/match': 'true' } }, spec };
  const md = { name: `w-${kind.toLowerCase()}`, namespace: 'apps', ...(annotations ? { annotations } : {}) };
  switch (kind) {
    case 'CronJob':
      return { apiVersion: 'batch/v1', kind, metadata: md, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata: md, spec: { template } };
    case 'Rollout':
      return { apiVersion: 'argoproj.io/v1alpha1', kind, metadata: md, spec: { template } };
    default:
      return { apiVersion: 'apps/v1', kind, metadata: md, spec: { template } };
  }
}

function stream(password: string, extra: KubeObject[], esAnnotations?: Record<string, string>): Item[] {
  return [
    { object: { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'fake' }, spec: { provider: { fake: { data: [{ key: 'db', value: password }] } } } } },
    {
      object: {
        apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret',
        metadata: { name: 'db', namespace: 'apps', ...(esAnnotations ? { annotations: esAnnotations } : {}) },
        spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'fake' }, data: [{ secretKey: 'password', remoteRef: { key: 'db' } }] },
      },
    },
    ...extra.map((object) => ({ object })),
  ];
}

const tplOf = (o: KubeObject): any => (o.kind === 'CronJob' ? (o as any).spec.jobTemplate.spec.template : (o as any).spec.template);

describe('rollout on change', () => {
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Rollout']) {
    for (const [how, spec] of Object.entries(podSpecs)) {
      it(`${kind} consuming through ${how}: stamped, and only the stamp changes with the secret`, async () => {
        const opts = { ...defaultRenderOptions, rolloutOnChange: true };
        const a = await render(stream('one', [workload(kind, spec)]), opts);
        const b = await render(stream('two', [workload(kind, spec)]), opts);
        if (!a.ok || !b.ok) throw new Error('render failed');
        const wa = a.items.find((i) => i.object.kind === kind)!.object;
        const wb = b.items.find((i) => i.object.kind === kind)!.object;
        const sa = tplOf(wa).metadata.annotations[ANNOTATION_CHECKSUM];
        const sb = tplOf(wb).metadata.annotations[ANNOTATION_CHECKSUM];
        expect(sa).toMatch(/^[0-9a-f]{64}$/);
        expect(sb).toMatch(/^[0-9a-f]{64}$/);
        expect(sa).not.toBe(sb);
        // Reloader's annotation passes through unchanged; nothing else differs.
        expect(tplOf(wa).metadata.annotations['reloader.stakater.com/match']).toBe('true');
        delete tplOf(wa).metadata.annotations[ANNOTATION_CHECKSUM];
        delete tplOf(wb).metadata.annotations[ANNOTATION_CHECKSUM];
        expect(wa).toEqual(wb);
        expect(wa).toEqual(workload(kind, spec));
      });
    }
  }

  it('is off by default; a workload or an ExternalSecret can opt in', async () => {
    const plain = workload('Deployment', podSpecs['env']!);
    const off = await render(stream('x', [plain]), defaultRenderOptions);
    expect(off.ok && off.items.find((i) => i.object.kind === 'Deployment')!.object).toBe(plain);

    const byWorkload = await render(stream('x', [workload('Deployment', podSpecs['env']!, { 'eso-render.dev/rollout-on-change': 'true' })]), defaultRenderOptions);
    expect(byWorkload.ok && tplOf(byWorkload.items.find((i) => i.object.kind === 'Deployment')!.object).metadata.annotations[ANNOTATION_CHECKSUM]).toBeTruthy();

    const byES = await render(stream('x', [workload('Deployment', podSpecs['env']!)], { 'eso-render.dev/rollout-on-change': 'true' }), defaultRenderOptions);
    expect(byES.ok && tplOf(byES.items.find((i) => i.object.kind === 'Deployment')!.object).metadata.annotations[ANNOTATION_CHECKSUM]).toBeTruthy();
  });

  it('leaves workloads alone that consume no rendered Secret, or one in another namespace', async () => {
    const other = workload('Deployment', podSpecs['env']!);
    (other.metadata as any).namespace = 'elsewhere';
    const out = await render(stream('x', [other]), { ...defaultRenderOptions, rolloutOnChange: true });
    expect(out.ok && out.items.find((i) => i.object.kind === 'Deployment')!.object).toBe(other);
  });

  it('keeps the workload text, comments included, apart from the stamp', async () => {
    const text = [
      'apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata: {name: fake}\nspec: {provider: {fake: {data: [{key: db, value: pw}]}}}',
      'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: db, namespace: apps}\nspec:\n  secretStoreRef: {kind: ClusterSecretStore, name: fake}\n  data: [{secretKey: password, remoteRef: {key: db}}]',
      '# the web tier\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web # keep me\n  namespace: apps\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27 # pinned\n          envFrom: [{secretRef: {name: db}}]\n',
    ].join('\n---\n');
    const out = await render(parseManifests(text), { ...defaultRenderOptions, rolloutOnChange: true });
    if (!out.ok) throw new Error('render failed');
    const written = writeManifests(out.items);
    expect(written).toContain('# the web tier');
    expect(written).toContain('name: web # keep me');
    expect(written).toContain('image: nginx:1.27 # pinned');
    expect(written).toMatch(/eso-render\.dev\/secret-checksum: [0-9a-f]{64}/);
  });
});
