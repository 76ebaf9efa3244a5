// kustomize-examples/sealed (the rendered-manifests pattern): the commands of its README, run as written
// in a copy of the examples, reproduce the committed rendered/ byte for byte (deterministic sealing: CI
// commits only on change), and every SealedSecret there unseals, with the demo controller key and the
// test's own implementation of the format, into the Secret the plaintext render emits.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/frontends/stream.js';
import { cliPath, repoRoot, runCli } from '../helpers/cli.js';
import { unseal } from '../helpers/sealing.js';

const example = path.join(repoRoot, 'kustomize-examples', 'sealed');
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'sealed-example-'));
  for (const d of ['sealed', 'quickstart']) cpSync(path.join(repoRoot, 'kustomize-examples', d), path.join(work, 'kustomize-examples', d), { recursive: true });
  mkdirSync(path.join(work, 'bin'));
  writeFileSync(path.join(work, 'bin', 'eso-render'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} "$@"\n`);
  chmodSync(path.join(work, 'bin', 'eso-render'), 0o755);
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The fenced sh block after the README's `<!-- commands: ... -->` marker. */
function readmeCommands(): string {
  const readme = readFileSync(path.join(example, 'README.md'), 'utf8');
  const m = /<!-- commands:[^>]*-->\n```sh\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no commands block');
  return m[1]!;
}

describe.skipIf(!hasKubectl)('kustomize-examples/sealed', () => {
  it('the README\'s commands reproduce the committed rendered/ byte for byte, and print 2', () => {
    const dir = path.join(work, 'kustomize-examples', 'sealed');
    const r = spawnSync('sh', ['-e', '-c', readmeCommands()], { cwd: dir, encoding: 'utf8', env: { PATH: `${path.join(work, 'bin')}:${process.env['PATH']}`, HOME: process.env['HOME'] ?? '/tmp' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('2\n');
    expect(readFileSync(path.join(dir, 'rendered', 'quickstart.yaml'), 'utf8')).toBe(readFileSync(path.join(example, 'rendered', 'quickstart.yaml'), 'utf8'));
  });

  it('the committed SealedSecrets unseal into the Secrets of the plaintext render', async () => {
    const privateKey = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'sealed-demo', 'controller.key'), 'utf8');
    const sealed = parseManifests(readFileSync(path.join(example, 'rendered', 'quickstart.yaml'))).map((i) => i.object);
    expect(sealed.filter((o) => o.kind === 'Secret')).toEqual([]);
    const plain = await runCli(['render', '-q', '--rollout-on-change', '--platform-key-file', path.join(example, 'demo-keys', 'platform.key'), '-f', 'kustomize-examples/quickstart']);
    expect(plain.code, plain.stderr).toBe(0);
    const secrets = parseManifests(plain.stdout).map((i) => i.object).filter((o) => o.kind === 'Secret');
    expect(secrets).toHaveLength(2);
    for (const s of secrets) {
      const o = sealed.find((x) => x.kind === 'SealedSecret' && x.metadata?.name === s.metadata?.name)!;
      expect(unseal(privateKey, o)).toEqual(s);
    }
    // The Deployment is the plaintext render's too (its stamp is keyed, not derived from ciphertext).
    expect(sealed.find((o) => o.kind === 'Deployment')).toEqual(parseManifests(plain.stdout).map((i) => i.object).find((o) => o.kind === 'Deployment'));
  });
});
