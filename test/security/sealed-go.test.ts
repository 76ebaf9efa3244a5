// A second, independent unseal: Go's crypto/rsa and crypto/cipher (what the Sealed Secrets controller is
// built on), in test/seal-reference/main.go, decrypt every encryptedData value eso-render sealed, for all
// three scopes, binary and empty values, with the label the controller derives from the SealedSecret's own
// metadata; the result equals the plaintext render. Go (Debian's golang-go) is installed when missing and
// apt-get is usable, as test/template-diff.test.ts does.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/engine/types.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { controllerKeys, controllerLabel, type ControllerKeys } from '../helpers/sealing.js';

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function ensureGo(): string | null {
  if (have('go')) return null;
  if (process.getuid?.() !== 0 || !have('apt-get')) return 'Go missing and apt-get not usable (not root)';
  const opts = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: 'ignore' as const, timeout: 900_000 };
  if (spawnSync('apt-get', ['update', '-qq'], opts).status !== 0) return 'apt-get update failed';
  if (spawnSync('apt-get', ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=300', 'golang-go'], opts).status !== 0) return 'apt-get install golang-go failed';
  return have('go') ? null : 'Go still missing after apt-get install';
}

let work: string;
let bin: string;
let keys: ControllerKeys;
let missing: string | null = null;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'seal-ref-'));
  keys = controllerKeys();
  writeFileSync(path.join(work, 'cert.pem'), keys.certPem);
  writeFileSync(path.join(work, 'platform.key'), Buffer.alloc(32, 0x33));
  missing = ensureGo();
  if (missing) return;
  const src = path.join(work, 'src');
  cpSync(path.join(repoRoot, 'test', 'seal-reference'), src, { recursive: true });
  bin = path.join(work, 'unseal');
  const env = { ...process.env, GO111MODULE: 'off', GOPATH: work, GOCACHE: path.join(tmpdir(), 'eso-render-seal-ref-gocache'), GOFLAGS: '' };
  execFileSync('go', ['build', '-o', bin, 'main.go'], { cwd: src, env, stdio: 'pipe', timeout: 300_000 });
}, 900_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i)).toString('base64');
const stream = [
  { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'fake' }, spec: { provider: { fake: { data: [{ key: 'bin', value: BINARY }, { key: 'json', value: '{"a":"alpha","empty":""}' }] } } } },
  {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'mixed', namespace: 'apps' },
    spec: {
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'fake' },
      data: [
        { secretKey: 'bin', remoteRef: { key: 'bin', decodingStrategy: 'Base64' } },
        { secretKey: 'a', remoteRef: { key: 'json', property: 'a' } },
        { secretKey: 'empty', remoteRef: { key: 'json', property: 'empty' } },
      ],
    },
  },
].map((o) => JSON.stringify(o)).join('\n---\n');

function goUnseal(sealed: KubeObject): Record<string, string> {
  const label = controllerLabel(sealed).toString('base64');
  const entries = Object.entries((sealed['spec'] as { encryptedData: Record<string, string> }).encryptedData);
  const out = execFileSync(bin, [], { input: JSON.stringify({ privateKeyPem: keys.privateKeyPem, items: entries.map(([, value]) => ({ label, value })) }) });
  const results = JSON.parse(out.toString()) as { plain?: string; error?: string }[];
  return Object.fromEntries(entries.map(([k], i) => [k, results[i]!.plain ?? `ERROR ${results[i]!.error}`]));
}

describe('Go\'s crypto unseals what eso-render sealed', () => {
  for (const scope of ['strict', 'namespace-wide', 'cluster-wide']) {
    it(`${scope}`, async (ctx) => {
      if (missing) return ctx.skip();
      const key = ['--platform-key-file', path.join(work, 'platform.key')];
      const [sealed, plain] = await Promise.all([
        runCli(['render', '-q', ...key, '--seal-cert', path.join(work, 'cert.pem'), '--seal-scope', scope], stream),
        runCli(['render', '-q', ...key], stream),
      ]);
      expect(sealed.code, sealed.stderr).toBe(0);
      expect(plain.code, plain.stderr).toBe(0);
      const s = parseManifests(sealed.stdout).map((i) => i.object).find((o) => o.kind === 'SealedSecret')!;
      const p = parseManifests(plain.stdout).map((i) => i.object).find((o) => o.kind === 'Secret')!;
      expect(goUnseal(s)).toEqual(p['data']);
      expect((p['data'] as Record<string, string>)['empty']).toBe('');
      expect((p['data'] as Record<string, string>)['bin']).toBe(BINARY);
    });
  }
});
