// Turning an Argo CD app folder into manifests, as Argo CD itself would for the same folder: a
// kustomization → `kustomize build` (or `kubectl kustomize`), a Chart.yaml → `helm template`, anything
// else → the folder's YAML and JSON files. When a folder holds both, kustomize wins, as in Argo CD's
// discovery.
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Item } from '../engine/types.js';
import { findOnPath, runProcess, type ProcessResult } from './_child_process.js';
import type { BuildMode, GenerateSettings } from './cmp-settings.js';
import { checkBuildInputs } from './build-inputs.js';
import { parseManifestsLazily as parseManifests } from './stream.js';

export type ConcreteMode = Exclude<BuildMode, 'auto'>;

const kustomizationFiles = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export function detectBuildMode(dir: string): ConcreteMode {
  if (kustomizationFiles.some((f) => existsSync(path.join(dir, f)))) return 'kustomize';
  if (existsSync(path.join(dir, 'Chart.yaml'))) return 'helm';
  return 'plain';
}

export interface BuildRequest {
  /** The app folder (absolute). */
  dir: string;
  /** The repository root the sidecar extracted; files outside it are never read. */
  repoRoot: string;
  settings: GenerateSettings;
  /** Build options the platform set on the sidecar (trusted, not checked). */
  platformKustomizeOptions: string[];
  /** URL globs of remote bases and charts the platform allows (spec.build.allowRemoteBases); none by default. */
  allowRemoteBases?: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** Epoch milliseconds by which the build must have finished. */
  deadline: number;
  signal?: AbortSignal;
  /** Shown the build's output before it is parsed (CommandIO.noteInput). */
  noteInput?: (output: string | Uint8Array) => void;
}

export type BuildResult =
  | { ok: true; mode: ConcreteMode; tool: string; items: Item[] }
  | { ok: false; mode: ConcreteMode; tool?: string; message: string; usage?: boolean };

/**
 * The environment a build tool sees. Not the sidecar's whole environment: kustomize reads a variable
 * named in an env file line without `=` from its own environment, so cloud or Vault credentials set on
 * the sidecar could otherwise be copied into a ConfigMap by any Application.
 */
const passVars = /^(PATH|HOME|USER|LANG|LC_[A-Z]+|TZ|TMPDIR|HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy|SSL_CERT_(FILE|DIR)|XDG_(CONFIG|CACHE|DATA)_HOME|HELM_[A-Z_]+|KUSTOMIZE_PLUGIN_HOME|KUBE_VERSION|KUBE_API_VERSIONS|ARGOCD_APP_[A-Z0-9_]+|ARGOCD_ENV_.+)$/;

export function buildEnv(env: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && passVars.test(k)) out[k] = v;
  return out;
}

/**
 * Defence in depth behind checkBuildInputs: with no remote allowed, the build's HTTP(S) proxy is a closed
 * port, so a fetch the walk missed fails instead of reaching the network. Go (kustomize, helm) skips the
 * proxy for loopback addresses, so this does not cover 127.0.0.1/localhost; the walk does. Local builds
 * send no request and are unaffected.
 */
export function closedProxy(env: NodeJS.ProcessEnv, req: Pick<BuildRequest, 'allowRemoteBases'>): NodeJS.ProcessEnv {
  if ((req.allowRemoteBases ?? []).length > 0) return env;
  const out = { ...env };
  for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) delete out[k];
  out.HTTP_PROXY = out.HTTPS_PROXY = out.http_proxy = out.https_proxy = 'http://127.0.0.1:9';
  return out;
}

/** The repository root the sidecar extracted: the app folder minus ARGOCD_APP_SOURCE_PATH. */
export function repositoryRoot(dir: string, sourcePath: string | undefined): string {
  const rel = path.normalize(sourcePath ?? '.').replace(/^(\.\/)+|\/+$/g, '');
  if (rel === '' || rel === '.' || rel.startsWith('..') || path.isAbsolute(rel)) return dir;
  const suffix = path.sep + rel;
  return dir.endsWith(suffix) ? dir.slice(0, -suffix.length) || path.sep : dir;
}

function within(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** First lines of a tool's stderr, as the user would see them in Argo CD's ComparisonError. */
function toolError(r: ProcessResult): string {
  const text = r.stderr.trim();
  const lines = text.split('\n');
  return lines.length > 40 ? [...lines.slice(0, 40), `… (${lines.length - 40} more lines)`].join('\n') : text;
}

async function runBuild(mode: ConcreteMode, tool: string, file: string, args: string[], req: BuildRequest): Promise<BuildResult> {
  const timeoutMs = req.deadline - Date.now();
  if (timeoutMs <= 0) return { ok: false, mode, tool, message: `${tool}: the deadline passed before the build started` };
  let r: ProcessResult;
  try {
    r = await runProcess(file, args, { cwd: req.dir, env: closedProxy(buildEnv(req.env), req), timeoutMs, ...(req.signal ? { signal: req.signal } : {}) });
  } catch (e) {
    return { ok: false, mode, tool, message: `${tool} could not be started: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  if (r.killed === 'deadline') return { ok: false, mode, tool, message: `${tool} did not finish before the deadline and was stopped` };
  if (r.killed === 'aborted') return { ok: false, mode, tool, message: `${tool} was stopped: eso-render is shutting down` };
  if (r.truncated) return { ok: false, mode, tool, message: `${tool} printed more output than eso-render accepts and was stopped` };
  if (r.code !== 0) {
    const how = r.code === null ? `was ended by ${r.signal}` : `failed (exit status ${r.code})`;
    const err = toolError(r);
    return { ok: false, mode, tool, message: `${tool} ${how}${err ? `:\n${err}` : ''}` };
  }
  req.noteInput?.(r.stdout);
  return { ok: true, mode, tool, items: parseManifests(r.stdout, `output of ${tool}`) };
}

function buildKustomize(req: BuildRequest): Promise<BuildResult> | BuildResult {
  const opts = [...req.platformKustomizeOptions, ...req.settings.kustomizeBuildOptions];
  const kustomize = findOnPath('kustomize', req.env.PATH);
  if (kustomize) return runBuild('kustomize', 'kustomize build', kustomize, ['build', '.', ...opts], req);
  const kubectl = findOnPath('kubectl', req.env.PATH);
  if (kubectl) return runBuild('kustomize', 'kubectl kustomize', kubectl, ['kustomize', '.', ...opts], req);
  return { ok: false, mode: 'kustomize', message: 'the folder holds a kustomization, but neither kustomize nor kubectl is on PATH' };
}

/** Argo CD names a Helm release after the app, without the `<namespace>_` prefix of apps in other namespaces. */
function releaseName(req: BuildRequest): string | undefined {
  if (req.settings.helmReleaseName) return req.settings.helmReleaseName;
  const app = req.env.ARGOCD_APP_NAME;
  if (!app) return undefined;
  return app.includes('_') ? app.slice(app.lastIndexOf('_') + 1) : app;
}

async function buildHelm(req: BuildRequest): Promise<BuildResult> {
  const helm = findOnPath('helm', req.env.PATH);
  if (!helm) return { ok: false, mode: 'helm', message: 'the folder holds a Chart.yaml, but helm is not on PATH' };
  const args = ['template'];
  const name = releaseName(req);
  if (name) args.push(name);
  args.push('.', '--include-crds');
  const ns = req.env.ARGOCD_APP_NAMESPACE;
  if (ns) args.push('--namespace', ns);
  const kubeVersion = req.env.KUBE_VERSION;
  if (kubeVersion) args.push('--kube-version', kubeVersion);
  for (const v of (req.env.KUBE_API_VERSIONS ?? '').split(',')) if (v.trim() !== '') args.push('--api-versions', v.trim());

  // Values files must be files of the repository: a path out of it could show the sidecar's own files
  // (a projected token, mounted credentials) to a chart that prints its values.
  const root = safeRealpath(req.repoRoot) ?? req.repoRoot;
  for (const f of req.settings.helmValuesFiles) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(f)) return { ok: false, mode: 'helm', tool: 'helm template', message: `values file ${JSON.stringify(f)}: remote values files are not supported; commit the file to the repository`, usage: true };
    if (path.isAbsolute(f)) return { ok: false, mode: 'helm', tool: 'helm template', message: `values file ${JSON.stringify(f)}: use a path relative to the app folder`, usage: true };
    const real = safeRealpath(path.resolve(req.dir, f));
    if (real === undefined) return { ok: false, mode: 'helm', tool: 'helm template', message: `values file ${JSON.stringify(f)} does not exist in the repository`, usage: true };
    if (!within(root, real)) return { ok: false, mode: 'helm', tool: 'helm template', message: `values file ${JSON.stringify(f)} is outside the repository`, usage: true };
    args.push('--values', real);
  }
  let tmp: string | undefined;
  try {
    if (req.settings.helmValues !== undefined) {
      tmp = mkdtempSync(path.join(tmpdir(), 'eso-render-values-'));
      const file = path.join(tmp, 'values.yaml');
      writeFileSync(file, req.settings.helmValues, { mode: 0o600 });
      args.push('--values', file);
    }
    // Separate argv entries: a value can never be read as another flag.
    for (const [k, v] of req.settings.helmParameters) args.push('--set', `${k}=${v}`);
    return await runBuild('helm', 'helm template', helm, args, req);
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** The folder's own YAML and JSON files, in name order, not descending into subfolders (Argo CD's default for a directory app). */
function buildPlain(req: BuildRequest): BuildResult {
  const root = safeRealpath(req.repoRoot) ?? req.repoRoot;
  const items: Item[] = [];
  // A kustomization is build input, not a manifest for the cluster (build-mode=plain on a kustomize folder).
  const names = readdirSync(req.dir).filter((n) => /\.(ya?ml|json)$/i.test(n) && !kustomizationFiles.includes(n)).sort();
  for (const n of names) {
    const p = path.join(req.dir, n);
    const real = safeRealpath(p);
    if (real === undefined || !statSync(real).isFile()) continue;
    // A symlink out of the repository would publish a sidecar file as a manifest.
    if (!within(root, real)) return { ok: false, mode: 'plain', tool: 'plain files', message: `${n} points outside the repository` };
    const bytes = readFileSync(real);
    req.noteInput?.(bytes);
    items.push(...parseManifests(bytes, n));
  }
  return { ok: true, mode: 'plain', tool: 'plain files', items };
}

export async function buildApp(req: BuildRequest): Promise<BuildResult> {
  const mode = req.settings.buildMode === 'auto' ? detectBuildMode(req.dir) : req.settings.buildMode;
  const refused = checkBuildInputs(req.dir, req.repoRoot, mode, req.allowRemoteBases ?? []);
  if (refused) return { ok: false, mode, tool: mode === 'kustomize' ? 'kustomize' : mode === 'helm' ? 'helm template' : 'plain files', message: `${mode === 'kustomize' ? 'kustomize' : 'helm'} build refused before it started: ${refused}`, usage: true };
  switch (mode) {
    case 'kustomize':
      return buildKustomize(req);
    case 'helm':
      return buildHelm(req);
    case 'plain':
      return buildPlain(req);
  }
}
