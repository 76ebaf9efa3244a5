// The example of docs/providers/doppler.md, rendered through the built CLI against the loopback Doppler API
// with the page's store, ESO_RENDER_DOPPLER_API_ADDRESS pointed at the server as the page shows.

import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseManifests } from '../../src/frontends/stream.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { FakeDoppler } from '../servers/doppler/server.js';

let dp: FakeDoppler;
let dir: string;

beforeAll(async () => {
  dp = await FakeDoppler.start();
  dp.addConfig('auth-api', 'prd', { DB_URL: 'postgres://db.internal/auth', DB_PASSWORD: 'pw-from-docs', API_KEY: 'key-from-docs', APP_CONFIG: '{"region":"eu-west-1","replicas":3}' });
  dp.addServiceToken('dp.st.docs', 'auth-api', 'prd');
  dir = mkdtempSync(path.join(tmpdir(), 'doppler-docs-'));
  mkdirSync(path.join(dir, 'creds', 'apps', 'doppler-token'), { recursive: true });
  writeFileSync(path.join(dir, 'creds', 'apps', 'doppler-token', 'dopplerToken'), 'dp.st.docs');
});
afterAll(async () => {
  await dp.close();
  rmSync(dir, { recursive: true, force: true });
});

it('docs/providers/doppler.md: the store and the example render as the page says', async () => {
  const page = readFileSync(path.join(repoRoot, 'docs/providers/doppler.md'), 'utf8');
  const blocks = [...page.matchAll(/```yaml( example)?\n([\s\S]*?)```/g)];
  const storeYaml = blocks.find((b) => !b[1] && b[2]!.includes('kind: SecretStore'))![2]!;
  const example = blocks.find((b) => b[1])![2]!;
  // The page's command line, with the loopback server's address.
  const command = /^ESO_RENDER_DOPPLER_API_ADDRESS=(\S+) eso-render (render .*)$/m.exec(page)!;
  expect(command[1]).toBe('http://127.0.0.1:8080');
  writeFileSync(path.join(dir, 'store.yaml'), storeYaml);
  writeFileSync(path.join(dir, 'externalsecret.yaml'), example);
  const args = command[2]!.split(' ').map((a) => (a === './creds' ? path.join(dir, 'creds') : a.endsWith('.yaml') ? path.join(dir, a) : a));
  const r = await runCli(args, '', { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ESO_RENDER_DOPPLER_API_ADDRESS: dp.url } });
  expect(r.code, r.stderr).toBe(0);
  const secret = parseManifests(r.stdout).find((i) => i.object.kind === 'Secret')!.object;
  const data = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  expect(data).toEqual({ DB_URL: 'postgres://db.internal/auth', region: 'eu-west-1', replicas: '3', DB_PASSWORD: 'pw-from-docs', API_KEY: 'key-from-docs' });
  // One download of the planned names, one of the whole config shared by both finds.
  expect(dp.requests.map((q) => q.query)).toEqual([{ secrets: 'APP_CONFIG,DB_URL' }, {}]);
});
