// Build a Go reference program from Debian's Go packages (GOPATH mode, GO111MODULE=off), installing Go
// and the packages with apt-get when they are missing and we are root, as test/template-diff.test.ts
// does. Returns the binary path, or throws with the reason: a reference that cannot be built must fail
// the differential test, never skip it (issue 20).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Make sure `go` and every Debian package whose directory is listed exist. */
export function ensureGoPackages(packages: Record<string, string>): void {
  const missing = Object.entries(packages).filter(([, dir]) => !existsSync(dir)).map(([pkg]) => pkg);
  if (have('go') && missing.length === 0) return;
  if (process.getuid?.() !== 0 || !have('apt-get')) {
    throw new Error(`Go or Debian packages missing (${missing.join(' ') || 'golang-go'}) and apt-get is not usable (not root)`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const opts = { env, stdio: 'ignore' as const, timeout: 900_000 };
  const pkgs = ['golang-go', ...missing];
  let install = spawnSync('flock', ['/tmp/apt.lock', 'apt-get', 'install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=600', ...pkgs], opts);
  if (install.status !== 0) {
    spawnSync('flock', ['/tmp/apt.lock', 'apt-get', 'update', '-qq'], opts);
    install = spawnSync('flock', ['/tmp/apt.lock', 'apt-get', 'install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=600', ...pkgs], opts);
  }
  if (install.status !== 0) throw new Error(`apt-get install ${pkgs.join(' ')} failed`);
  const still = Object.entries(packages).filter(([, dir]) => !existsSync(dir));
  if (!have('go') || still.length) throw new Error(`still missing after apt-get install: ${still.map(([p]) => p).join(' ') || 'go'}`);
}

export interface GoReference {
  bin: string;
  run(input: unknown): unknown;
  cleanup(): void;
}

/** Copy `srcDir` (and go-batch.go) into a fresh GOPATH as package `name`, build it, and return a runner (JSON in, JSON out). */
export function buildGoReference(srcDir: string, name: string): GoReference {
  const work = mkdtempSync(join(tmpdir(), `eso-${name}-`));
  const pkgDir = join(work, 'src', name);
  cpSync(srcDir, pkgDir, { recursive: true });
  // The batch protocol the references share (runBatch), beside their main.go.
  cpSync(join(import.meta.dirname, 'go-batch.go'), join(pkgDir, 'zz_go_batch.go'));
  const bin = join(work, name);
  const env = {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: `/usr/share/gocode:${work}`,
    GOCACHE: join(tmpdir(), `eso-render-${name}-gocache`),
    GOFLAGS: '',
  };
  try {
    execFileSync('go', ['build', '-o', bin, '.'], { cwd: pkgDir, env, stdio: 'pipe', timeout: 300_000 });
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(`building the Go reference ${name} failed: ${(e as { stderr?: Buffer }).stderr?.toString() ?? e}`);
  }
  return {
    bin,
    run(input: unknown): unknown {
      const out = execFileSync(bin, [], { input: JSON.stringify(input), maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });
      return JSON.parse(out.toString());
    },
    cleanup() {
      rmSync(work, { recursive: true, force: true });
    },
  };
}
