// The example of docs/providers/infisical.md, rendered through the built CLI against the loopback Infisical
// API with the page's store (hostAPI pointed at the server).

import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseManifests } from '../../src/frontends/stream.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { FakeInfisical } from '../servers/infisical/server.js';

let inf: FakeInfisical;
let dir: string;

beforeAll(async () => {
  inf = await FakeInfisical.start();
  inf.addSecrets('shop', 'prod', '/', { API_KEY: 'key-from-docs', DB_HOST: 'db.internal', DB_URL: 'postgres://${DB_HOST}:5432/shop', CONFIG: '{"user":"shop","port":"5432"}' });
  inf.addSecrets('shop', 'prod', '/my-app', { SERVICE_PASSWORD: 'svc-from-docs', ADMIN_PASSWORD: 'admin-from-docs' });
  inf.addClient('docs-client', 'docs-secret', ['shop']);
  dir = mkdtempSync(path.join(tmpdir(), 'inf-docs-'));
  mkdirSync(path.join(dir, 'creds', 'apps', 'universal-auth-credentials'), { recursive: true });
  writeFileSync(path.join(dir, 'creds', 'apps', 'universal-auth-credentials', 'clientId'), 'docs-client');
  writeFileSync(path.join(dir, 'creds', 'apps', 'universal-auth-credentials', 'clientSecret'), 'docs-secret');
});
afterAll(async () => {
  await inf.close();
  rmSync(dir, { recursive: true, force: true });
});

it('docs/providers/infisical.md: the store and the example render as the page says', async () => {
  const page = readFileSync(path.join(repoRoot, 'docs/providers/infisical.md'), 'utf8');
  const blocks = [...page.matchAll(/```yaml( example)?\n([\s\S]*?)```/g)];
  const storeYaml = blocks.find((b) => !b[1] && b[2]!.includes('kind: SecretStore'))![2]!.replace('https://app.infisical.com', inf.url);
  const example = blocks.find((b) => b[1])![2]!;
  writeFileSync(path.join(dir, 'store.yaml'), storeYaml);
  writeFileSync(path.join(dir, 'externalsecret.yaml'), example);
  const r = await runCli(['render', '--credentials-dir', path.join(dir, 'creds'), '-f', path.join(dir, 'store.yaml'), '-f', path.join(dir, 'externalsecret.yaml')]);
  expect(r.code, r.stderr).toBe(0);
  const secret = parseManifests(r.stdout).find((i) => i.object.kind === 'Secret')!.object;
  const data = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  expect(data).toEqual({
    'api-key': 'key-from-docs',
    'db-url': 'postgres://db.internal:5432/shop',
    'db-user': 'shop',
    service: 'svc-from-docs',
    user: 'shop',
    port: '5432',
    ADMIN_PASSWORD: 'admin-from-docs',
  });
});
