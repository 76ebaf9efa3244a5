// The example of docs/providers/webhook.md, rendered through the built CLI against the loopback JSON
// service: the page's store, ExternalSecret and RenderConfig, with the page's address replaced by the
// server's.

import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseManifests } from '../../src/frontends/stream.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { FakeWebhook } from '../servers/webhook/server.js';

let wh: FakeWebhook;
let dir: string;

beforeAll(async () => {
  wh = await FakeWebhook.start();
  wh.route('GET', '/api/secrets/db', (q) => (q.query['version'] === '3' && q.headers['authorization'] === 'Bearer tok-docs' ? { body: '{"value":"pw-from-docs"}' } : { status: 403, body: '{}' }));
  dir = mkdtempSync(path.join(tmpdir(), 'webhook-docs-'));
  mkdirSync(path.join(dir, 'creds', 'apps', 'secrets-api-auth'), { recursive: true });
  writeFileSync(path.join(dir, 'creds', 'apps', 'secrets-api-auth', 'token'), 'tok-docs');
});
afterAll(async () => {
  await wh.close();
  rmSync(dir, { recursive: true, force: true });
});

it('docs/providers/webhook.md: the store and the example render as the page says', async () => {
  const page = readFileSync(path.join(repoRoot, 'docs/providers/webhook.md'), 'utf8');
  const blocks = [...page.matchAll(/```yaml( example| renderconfig)?\n([\s\S]*?)```/g)];
  const local = (s: string) => s.replaceAll('http://127.0.0.1:8080', wh.url);
  writeFileSync(path.join(dir, 'store.yaml'), local(blocks.find((b) => !b[1] && b[2]!.includes('kind: SecretStore'))![2]!));
  writeFileSync(path.join(dir, 'externalsecret.yaml'), blocks.find((b) => b[1] === ' example')![2]!);
  writeFileSync(path.join(dir, 'renderconfig.yaml'), local(blocks.find((b) => b[1] === ' renderconfig')![2]!));
  const command = /^eso-render (render .*)$/m.exec(page)!;
  const args = command[1]!.split(' ').map((a) => (a === './creds' ? path.join(dir, 'creds') : a.endsWith('.yaml') ? path.join(dir, a) : a));
  const r = await runCli(args, '', { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp' } });
  expect(r.code, r.stderr).toBe(0);
  const secret = parseManifests(r.stdout).find((i) => i.object.kind === 'Secret')!.object;
  expect(secret.metadata?.name).toBe('shop');
  const data = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  expect(data).toEqual({ DB_PASSWORD: 'pw-from-docs' });
  expect(wh.requests).toHaveLength(1);
});
