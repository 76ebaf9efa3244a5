// The example of docs/providers/onepassword.md, rendered through the built CLI against the loopback Connect
// server with the page's store (connectHost pointed at the server).

import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseManifests } from '../../src/frontends/stream.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { FakeConnect } from '../servers/onepassword/server.js';

let op: FakeConnect;
let dir: string;

beforeAll(async () => {
  op = await FakeConnect.start();
  op.addVault('production', [
    { title: 'db', fields: [{ label: 'username', value: 'shop' }, { label: 'password', value: 'pw-from-docs' }] },
    { title: 'tls', category: 'DOCUMENT', files: [{ name: 'tls.crt', content: 'CERT' }, { name: 'tls.key', content: 'KEY' }] },
    { title: 'app-a', tags: ['team-a'], fields: [{ label: 'API_KEY', value: 'key-a' }] },
    { title: 'app-b', tags: ['team-b'], fields: [{ label: 'DB_URL', value: 'url-b' }] },
  ]);
  op.addVault('staging', []);
  op.addToken('docs-token', ['production', 'staging']);
  dir = mkdtempSync(path.join(tmpdir(), 'op-docs-'));
  mkdirSync(path.join(dir, 'creds', 'apps', 'onepassword-connect-token'), { recursive: true });
  writeFileSync(path.join(dir, 'creds', 'apps', 'onepassword-connect-token', 'token'), 'docs-token');
});
afterAll(async () => {
  await op.close();
  rmSync(dir, { recursive: true, force: true });
});

it('docs/providers/onepassword.md: the store and the example render as the page says', async () => {
  const page = readFileSync(path.join(repoRoot, 'docs/providers/onepassword.md'), 'utf8');
  const blocks = [...page.matchAll(/```yaml( example)?\n([\s\S]*?)```/g)];
  const storeYaml = blocks.find((b) => !b[1] && b[2]!.includes('kind: SecretStore'))![2]!.replace('http://onepassword-connect:8080', op.url);
  const example = blocks.find((b) => b[1])![2]!;
  writeFileSync(path.join(dir, 'store.yaml'), storeYaml);
  writeFileSync(path.join(dir, 'externalsecret.yaml'), example);
  const r = await runCli(['render', '--credentials-dir', path.join(dir, 'creds'), '-f', path.join(dir, 'store.yaml'), '-f', path.join(dir, 'externalsecret.yaml')]);
  expect(r.code, r.stderr).toBe(0);
  const secret = parseManifests(r.stdout).find((i) => i.object.kind === 'Secret')!.object;
  const data = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  expect(data).toEqual({ password: 'pw-from-docs', username: 'shop', 'tls.crt': 'CERT', API_KEY: 'key-a' });
});
