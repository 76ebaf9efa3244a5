// The example of docs/providers/bitwarden.md, rendered through the built CLI against the loopback
// Bitwarden SDK server with the page's store (its URL, CA and ids pointed at the server's).

import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseManifests } from '../../src/frontends/stream.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { FakeBitwardenSdkServer, bwId } from '../servers/bitwarden/server.js';

let bw: FakeBitwardenSdkServer;
let dir: string;
let dbId: string;

beforeAll(async () => {
  bw = await FakeBitwardenSdkServer.start();
  [dbId] = bw.addSecrets('docs', [
    { key: 'db-password', value: 'pw-from-docs', project: 'shop' },
    { key: 'app-config', value: '{"user":"shop","port":5432}', project: 'shop' },
  ]) as [string];
  bw.addSecrets('docs', [{ key: 'db-password', value: 'other-project-pw', project: 'other' }]);
  const token = bw.addMachineAccount('docs', 'docs', ['shop', 'other']);
  dir = mkdtempSync(path.join(tmpdir(), 'bw-docs-'));
  mkdirSync(path.join(dir, 'creds', 'apps', 'bitwarden-access-token'), { recursive: true });
  writeFileSync(path.join(dir, 'creds', 'apps', 'bitwarden-access-token', 'token'), token);
});
afterAll(async () => {
  await bw.close();
  rmSync(dir, { recursive: true, force: true });
});

it('docs/providers/bitwarden.md: the store and the example render as the page says', async () => {
  const page = readFileSync(path.join(repoRoot, 'docs/providers/bitwarden.md'), 'utf8');
  const blocks = [...page.matchAll(/```yaml( example)?\n([\s\S]*?)```/g)];
  const storeYaml = blocks
    .find((b) => !b[1] && b[2]!.includes('kind: SecretStore'))![2]!
    .replace('https://bitwarden-sdk-server.external-secrets.svc.cluster.local:9998', bw.url)
    .replace(/caBundle: \S+/, `caBundle: ${bw.caBundle}`)
    .replace('7c0d21ec-10d9-4972-bdf8-ec52df99cc86', bwId('org:docs'))
    .replace('9c713cd6-728c-437a-a783-252b0773a0bb', bwId('project:shop'));
  const example = blocks.find((b) => b[1])![2]!.replace('339062b8-a5a1-4303-bf1d-b1920146a622', dbId);
  writeFileSync(path.join(dir, 'store.yaml'), storeYaml);
  writeFileSync(path.join(dir, 'externalsecret.yaml'), example);
  const r = await runCli(['render', '--credentials-dir', path.join(dir, 'creds'), '-f', path.join(dir, 'store.yaml'), '-f', path.join(dir, 'externalsecret.yaml')]);
  expect(r.code, r.stderr).toBe(0);
  const secret = parseManifests(r.stdout).find((i) => i.object.kind === 'Secret')!.object;
  const data = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  expect(data).toEqual({ password: 'pw-from-docs', 'same-password': 'pw-from-docs', user: 'shop', port: '5432' });
  // The page's apiURL and identityURL reach the SDK server as headers.
  expect(bw.requests.every((q) => q.apiUrl === 'https://api.bitwarden.com' && q.identityUrl === 'https://identity.bitwarden.com')).toBe(true);
});
