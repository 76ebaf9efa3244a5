// Given a stream of ExternalSecrets on the fake store, when rendered, then reads are planned once per
// unique store/key/version and run under the concurrency bound.
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { render } from './render.js';
import { defaultRenderOptions, type Item } from './types.js';

function stream(esCount: number, keys: number): Item[] {
  const data = Array.from({ length: keys }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ a: `a${i}`, b: `b${i}`, c: `c${i}` }) }));
  const items: Item[] = [
    { object: { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'fake' }, spec: { provider: { fake: { data } } } } },
  ];
  for (let i = 0; i < esCount; i++) {
    items.push({
      object: {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: `es${i}`, namespace: 'apps' },
        spec: {
          secretStoreRef: { kind: 'ClusterSecretStore', name: 'fake' },
          data: ['a', 'b', 'c'].map((p) => ({ secretKey: p, remoteRef: { key: `k${i % keys}`, property: p } })),
          dataFrom: [{ extract: { key: `k${(i + 1) % keys}` } }],
        },
      },
    });
  }
  return items;
}

describe('render: plan and fetch', () => {
  it('makes one read per unique store/key/version, whatever the number of ExternalSecrets and entries', async () => {
    const out = await render(stream(60, 7), defaultRenderOptions);
    expect(out.ok).toBe(true);
    // 60 ExternalSecrets × (3 properties + 1 extract) = 240 entries over 7 keys.
    expect(out.stats.requests).toEqual({ 'ClusterSecretStore/fake': 7 });
    expect(out.stats.secretsEmitted).toBe(60);
  });

  it('keeps untouched items as the same objects and puts each Secret where its ExternalSecret was', async () => {
    const items = stream(2, 2);
    const cm: Item = { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } };
    items.splice(1, 0, cm);
    const out = await render(items, defaultRenderOptions);
    if (!out.ok) throw new Error(JSON.stringify(out.results));
    expect(out.items.map((i) => i.object.kind)).toEqual(['ConfigMap', 'Secret', 'Secret']);
    expect(out.items[0]).toBe(cm);
    expect(out.items[1]!.replaces).toBe(items[2]);
  });

  it('fails closed: one bad ExternalSecret among good ones yields no items at all', async () => {
    const items = stream(5, 2);
    (items[3]!.object['spec'] as any).data[0].remoteRef.key = 'missing';
    const out = await render(items, defaultRenderOptions);
    expect(out.ok).toBe(false);
    expect('items' in out).toBe(false);
    expect(out.results.filter((r) => r.severity === 'error')).toHaveLength(1);
    expect(out.results[0]!.resourceRef).toMatchObject({ kind: 'ExternalSecret', name: 'es2', namespace: 'apps' });
    expect(out.results[0]!.field?.path).toBe('spec.data[0]');
    expect(out.results[0]!.tags).toEqual({ store: 'ClusterSecretStore/fake', key: 'missing' });
  });

  it('reports every error of the run, not only the first', async () => {
    const items = stream(4, 2);
    for (const i of [1, 2, 4]) (items[i]!.object['spec'] as any).data[1].remoteRef.key = `gone-${i}`;
    const out = await render(items, defaultRenderOptions);
    expect(out.results.filter((r) => r.severity === 'error').map((r) => r.resourceRef?.name)).toEqual(['es0', 'es1', 'es3']);
  });

  it('ends the run at the deadline when a backend does not answer', async () => {
    // A loopback server that accepts connections and never answers.
    const sockets: net.Socket[] = [];
    const server = net.createServer((sock) => void sockets.push(sock));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const items = stream(1, 1);
      items[0] = {
        object: {
          apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'fake' },
          spec: { provider: { vault: { server: `http://127.0.0.1:${port}`, auth: { tokenSecretRef: { name: 'vault-token', key: 'token', namespace: 'apps' } } } } },
        },
      };
      items.push({ object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'vault-token', namespace: 'apps' }, stringData: { token: 'canary-token' } } });
      const started = Date.now();
      const out = await render(items, { ...defaultRenderOptions, deadlineMs: 500, allowStreamCredentials: true });
      expect(out.ok).toBe(false);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(out.results.map((r) => r.message).join('\n')).toMatch(/deadline/);
      expect(JSON.stringify(out.results)).not.toContain('canary-token');
    } finally {
      sockets.forEach((s) => s.destroy());
      server.close();
    }
  });
});
