// docs/providers/openbao.md's example, run as the page says (credentials folder, `render` on stdin)
// through the built CLI against the loopback OpenBao: the Secret it promises, with one login and one read.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeOpenBao } from '../servers/openbao/server.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { repoRoot, runCli } from '../helpers/cli.js';

let bao: FakeOpenBao;
let dir: string;

beforeAll(async () => {
  bao = await FakeOpenBao.start();
  bao.mountKv('kv', 2);
  bao.put('kv', 'shop/db', { username: 'shop', password: 'docs-pw-31' });
  bao.enableAppRole('approle', 'shop-role', 'docs-secret-id', ['kv/*']);
  dir = mkdtempSync(path.join(tmpdir(), 'openbao-docs-'));
});
afterAll(async () => {
  await bao?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('the example of docs/providers/openbao.md renders the Secret it describes', async () => {
  const page = readFileSync(path.join(repoRoot, 'docs/providers/openbao.md'), 'utf8');
  const example = /```yaml openbao-example\n([\s\S]*?)```/.exec(page)?.[1];
  expect(example).toBeDefined();
  expect(page).toContain('printf %s "$SECRET_ID" > creds/apps/openbao-approle/secret-id');
  mkdirSync(path.join(dir, 'creds/apps/openbao-approle'), { recursive: true });
  writeFileSync(path.join(dir, 'creds/apps/openbao-approle/secret-id'), 'docs-secret-id');
  const r = await runCli(['render', '--credentials-dir', path.join(dir, 'creds')], example!.replace('http://127.0.0.1:8200', bao.url));
  expect(r.code, r.stderr).toBe(0);
  const secret = parseManifests(r.stdout).map((i) => i.object).find((o) => o.kind === 'Secret')!;
  expect(secret.metadata?.name).toBe('shop-db');
  const data = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
  expect(data).toEqual({ username: 'shop', password: 'docs-pw-31' });
  expect(bao.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['POST auth/approle/login', 'GET kv/data/shop/db']);
});
