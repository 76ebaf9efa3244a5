// Given the platform key, every digest of secret data in the output is keyed (HMAC-SHA256); without it,
// render keeps ESO's data-hash and the shared sidecar prints none (issue 14).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { render } from './render.js';
import { defaultRenderOptions, type Item, type RenderOptions } from './types.js';
import { dataHash } from './hash.js';
import { ANNOTATION_CHECKSUM } from './rollout.js';
import { readPlatformKey } from '../config/platform-key.js';
import { loadRenderConfig } from '../config/renderconfig.js';

const HASH = 'reconcile.external-secrets.io/data-hash';

function stream(value: string): Item[] {
  return [
    { object: { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'fake' }, spec: { provider: { fake: { data: [{ key: 'k', value }] } } } } },
    { object: { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'db', namespace: 'apps' }, spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'fake' }, data: [{ secretKey: 'v', remoteRef: { key: 'k' } }] } } },
    { object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w', namespace: 'apps' }, spec: { template: { spec: { containers: [{ name: 'a', envFrom: [{ secretRef: { name: 'db' } }] }] } } } } },
  ];
}

async function out(value: string, extra: Partial<RenderOptions>) {
  const r = await render(stream(value), { ...defaultRenderOptions, rolloutOnChange: true, ...extra });
  if (!r.ok) throw new Error(JSON.stringify(r.results));
  const secret = r.items.find((i) => i.object.kind === 'Secret')!.object;
  const w = r.items.find((i) => i.object.kind === 'Deployment')!.object as any;
  return { hash: secret.metadata?.annotations?.[HASH], checksum: w.spec.template.metadata?.annotations?.[ANNOTATION_CHECKSUM] as string | undefined };
}

const keyA = new Uint8Array(32).fill(7);
const keyB = new Uint8Array(32).fill(8);

describe('digests of secret data', () => {
  it('without a key, render keeps ESO\'s data-hash', async () => {
    expect((await out('1234', {})).hash).toBe(dataHash(new Map([['v', Buffer.from('1234')]])));
  });

  it('with a key, data-hash and checksum are keyed: other than ESO\'s, stable per key, different per key and per value', async () => {
    const a1 = await out('1234', { platformKey: keyA });
    const a2 = await out('1234', { platformKey: keyA });
    const b = await out('1234', { platformKey: keyB });
    const v = await out('1235', { platformKey: keyA });
    const plain = await out('1234', {});
    expect(a1).toEqual(a2);
    expect(a1.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a1.hash).not.toBe(plain.hash);
    expect(a1.checksum).not.toBe(plain.checksum);
    expect(b.hash).not.toBe(a1.hash);
    expect(b.checksum).not.toBe(a1.checksum);
    expect(v.hash).not.toBe(a1.hash);
    expect(v.checksum).not.toBe(a1.checksum);
  });

  it('the shared sidecar without a key: no data-hash, and a due rollout stamp fails the run naming the setting', async () => {
    const items = stream('1234');
    const r = await render(items, { ...defaultRenderOptions, sharedSidecar: true, context: { namespace: 'apps' } });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.items.find((i) => i.object.kind === 'Secret')!.object.metadata?.annotations?.[HASH]).toBeUndefined();
    const refused = await render(items, { ...defaultRenderOptions, sharedSidecar: true, rolloutOnChange: true, context: { namespace: 'apps' } });
    expect(refused.ok).toBe(false);
    expect(refused.results.map((x) => x.message).join('\n')).toContain('spec.platformKeyFile');
  });
});

describe('the platform key file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pk-'));
  it('is read whole, at least 32 bytes', () => {
    writeFileSync(path.join(dir, 'ok'), Buffer.alloc(32, 1));
    expect(readPlatformKey(path.join(dir, 'ok'), 'spec.platformKeyFile')).toHaveLength(32);
  });

  it('errors name the setting and the path, never the content', () => {
    writeFileSync(path.join(dir, 'short'), 'sekrit-short-key');
    const cfg = (p: string) => loadRenderConfig({ apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', metadata: { name: 'x' }, spec: { platformKeyFile: p } }, dir).problems;
    const short = cfg('short');
    expect(short[0]!.field?.path).toBe('spec.platformKeyFile');
    expect(short[0]!.message).toContain(path.join(dir, 'short'));
    expect(short[0]!.message).toContain('shorter than 32 bytes');
    expect(JSON.stringify(short)).not.toContain('sekrit');
    const missing = cfg('missing');
    expect(missing[0]!.message).toMatch(/cannot read the key file .*missing: ENOENT/);
  });
});
