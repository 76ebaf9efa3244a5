// docs/providers/kubernetes.md's example, run as the page says (credentials folder, `render` on stdin)
// through the built CLI against the loopback Kubernetes API: the Secret it promises, with one GET.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeKubeApi } from '../servers/kubernetes/server.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { repoRoot, runCli } from '../helpers/cli.js';

let kube: FakeKubeApi;
let dir: string;

beforeAll(async () => {
  kube = await FakeKubeApi.start();
  kube.put('team-a', 'shop-db', { password: 'docs-kube-pw', config: '{"host":"db.internal"}' });
  kube.addToken('docs-token', 'system:serviceaccount:team-a:reader', ['team-a']);
  dir = mkdtempSync(path.join(tmpdir(), 'kube-docs-'));
});
afterAll(async () => {
  await kube?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('the example of docs/providers/kubernetes.md renders the Secret it describes', async () => {
  const page = readFileSync(path.join(repoRoot, 'docs/providers/kubernetes.md'), 'utf8');
  const example = /```yaml kubernetes-example\n([\s\S]*?)```/.exec(page)?.[1];
  expect(example).toBeDefined();
  expect(page).toContain('printf %s "$TOKEN" > creds/apps/remote-token/token');
  mkdirSync(path.join(dir, 'creds/apps/remote-token'), { recursive: true });
  writeFileSync(path.join(dir, 'creds/apps/remote-token/token'), 'docs-token');
  const r = await runCli(['render', '--credentials-dir', path.join(dir, 'creds')], example!.replace('http://127.0.0.1:6443', kube.url));
  expect(r.code, r.stderr).toBe(0);
  const secret = parseManifests(r.stdout).map((i) => i.object).find((o) => o.kind === 'Secret')!;
  expect(secret.metadata?.name).toBe('shop-db');
  const data = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
  expect(data).toEqual({ password: 'docs-kube-pw', host: 'db.internal' });
  expect(kube.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /api/v1/namespaces/team-a/secrets/shop-db']);
});
