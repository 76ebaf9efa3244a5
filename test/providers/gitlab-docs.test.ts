// The example of docs/providers/gitlab.md, rendered through the built CLI against the loopback GitLab
// server with the page's store (url pointed at the server).

import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseManifests } from '../../src/frontends/stream.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { FakeGitLab } from '../servers/gitlab/server.js';

let gl: FakeGitLab;
let dir: string;
let project: number;

beforeAll(async () => {
  gl = await FakeGitLab.start();
  const acme = gl.addGroup('acme', [{ key: 'SHARED_SENTRY_DSN', value: 'https://sentry.example/1' }]);
  project = gl.addProject(
    'acme/shop',
    [
      { key: 'DB_PASSWORD', value: 'pw-from-docs' },
      { key: 'DB_CONFIG', value: '{"user":"shop","host":"db.internal"}' },
      { key: 'API_KEY', value: 'prod-key', environment_scope: 'production' },
      { key: 'API_KEY', value: 'staging-key', environment_scope: 'staging' },
    ],
    acme,
  );
  gl.addToken('docs-token');
  dir = mkdtempSync(path.join(tmpdir(), 'gl-docs-'));
  mkdirSync(path.join(dir, 'creds', 'apps', 'gitlab-token'), { recursive: true });
  writeFileSync(path.join(dir, 'creds', 'apps', 'gitlab-token', 'token'), 'docs-token');
});
afterAll(async () => {
  await gl.close();
  rmSync(dir, { recursive: true, force: true });
});

it('docs/providers/gitlab.md: the store and the example render as the page says', async () => {
  const page = readFileSync(path.join(repoRoot, 'docs/providers/gitlab.md'), 'utf8');
  const blocks = [...page.matchAll(/```yaml( example)?\n([\s\S]*?)```/g)];
  const storeYaml = blocks.find((b) => !b[1] && b[2]!.includes('kind: SecretStore'))![2]!.replace('https://gitlab.example.com', gl.url).replace('"4242"', `"${project}"`);
  const example = blocks.find((b) => b[1])![2]!;
  writeFileSync(path.join(dir, 'store.yaml'), storeYaml);
  writeFileSync(path.join(dir, 'externalsecret.yaml'), example);
  const r = await runCli(['render', '--credentials-dir', path.join(dir, 'creds'), '-f', path.join(dir, 'store.yaml'), '-f', path.join(dir, 'externalsecret.yaml')]);
  expect(r.code, r.stderr).toBe(0);
  const secret = parseManifests(r.stdout).find((i) => i.object.kind === 'Secret')!.object;
  const data = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  expect(data).toEqual({ password: 'pw-from-docs', 'db-user': 'shop', sentry: 'https://sentry.example/1', user: 'shop', host: 'db.internal', API_KEY: 'prod-key' });
});
