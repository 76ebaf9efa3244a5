// Runs `eso-render generate` the way argocd-cmp-server does (cmpserver/plugin/plugin.go, reposerver
// newEnv/getPluginEnvs/getPluginParamEnvs): the repository extracted into a fresh folder under the work
// dir with every file 0644 and every folder 0755, the app folder as working directory, no shell, and an
// environment made of the sidecar's own variables (here only PATH) plus the build variables.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

/** The argv plugin.yaml gives argocd-cmp-server for generate, after the program itself. */
export function generateArgsFromPluginYaml(): string[] {
  const p = parse(readFileSync(path.join(repoRoot, 'plugin.yaml'), 'utf8'), { version: '1.1' }) as {
    spec: { generate: { command: string[]; args?: string[] } };
  };
  return [...p.spec.generate.command.slice(1), ...(p.spec.generate.args ?? [])];
}

export interface AppRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** The extracted app folder (removed by `dispose`). */
  appDir: string;
}

export interface CmpEnv {
  /** Application name, destination namespace, project. */
  app?: string;
  namespace?: string;
  project?: string;
  /** `spec.source.plugin.env` entries (become ARGOCD_ENV_<name>). */
  pluginEnv?: Record<string, string>;
  /** `spec.source.plugin.parameters`; becomes ARGOCD_APP_PARAMETERS and PARAM_* unless `paramsAs` says otherwise. */
  parameters?: { name: string; string?: string; array?: string[]; map?: Record<string, string> }[];
  paramsAs?: 'both' | 'json' | 'env';
  /** Variables set on the sidecar container (ESO_RENDER_CONFIG, credentials, …). */
  sidecar?: Record<string, string>;
  kubeVersion?: string;
  kubeApiVersions?: string;
}

/** Argo CD's escaping of PARAM_* names. */
const escapeName = (n: string) => n.toUpperCase().replace(/[^A-Z0-9_]/g, '_');

/** Go's json.Marshal of the parameters: keys sorted, compact, HTML-escaped. */
function marshalParameters(params: NonNullable<CmpEnv['parameters']>): string {
  const sorted = params.map((p) => Object.fromEntries(Object.entries(p).sort(([a], [b]) => a.localeCompare(b))));
  return JSON.stringify(sorted).replace(/&/g, '\\u0026').replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
}

export function cmpEnvironment(appPath: string, e: CmpEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(e.sidecar ?? {}) };
  const app = e.app ?? 'shop';
  Object.assign(env, {
    ARGOCD_APP_NAME: app,
    ARGOCD_APP_NAMESPACE: e.namespace ?? 'shop',
    ARGOCD_APP_PROJECT_NAME: e.project ?? 'default',
    ARGOCD_APP_REVISION: 'f913b6cbf58aa5ae5ca1f8a2b149477aebcbd9d8',
    ARGOCD_APP_REVISION_SHORT: 'f913b6c',
    ARGOCD_APP_REVISION_SHORT_8: 'f913b6cb',
    ARGOCD_APP_SOURCE_REPO_URL: 'https://git.example.com/org/config.git',
    ARGOCD_APP_SOURCE_PATH: appPath,
    ARGOCD_APP_SOURCE_TARGET_REVISION: 'main',
    KUBE_VERSION: e.kubeVersion ?? '1.29.3',
    KUBE_API_VERSIONS: e.kubeApiVersions ?? 'apps/v1,apps/v1/Deployment,v1,v1/ConfigMap,v1/Secret',
  });
  for (const [k, v] of Object.entries(e.pluginEnv ?? {})) env[`ARGOCD_ENV_${k}`] = v;
  // Argo CD sets ARGOCD_APP_PARAMETERS whenever the Application has a plugin section.
  const params = e.parameters;
  const how = e.paramsAs ?? 'both';
  if (params && how !== 'env') env.ARGOCD_APP_PARAMETERS = marshalParameters(params);
  if (params && how !== 'json') {
    for (const p of params) {
      const base = `PARAM_${escapeName(p.name)}`;
      if (p.string !== undefined) env[base] = p.string;
      p.array?.forEach((v, i) => (env[`${base}_${i}`] = v));
      for (const [k, v] of Object.entries(p.map ?? {})) env[`${base}_${escapeName(k)}`] = v;
    }
  }
  return env;
}

export class CmpWorkdir {
  readonly root: string;
  private readonly dirs: string[] = [];

  constructor() {
    this.root = mkdtempSync(path.join(tmpdir(), 'cmp-test-'));
  }

  /** Extracts `files` (repository-relative paths) as the sidecar does: files 0644, folders 0755. */
  extract(files: Record<string, string>): string {
    const repo = mkdtempSync(path.join(this.root, '_cmp_server-'));
    this.dirs.push(repo);
    for (const [rel, text] of Object.entries(files)) {
      const p = path.join(repo, rel);
      mkdirSync(path.dirname(p), { recursive: true, mode: 0o755 });
      writeFileSync(p, text);
      chmodSync(p, 0o644);
    }
    return repo;
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Runs generate in `<repo>/<appPath>` with the contract's environment. */
export function runGenerate(
  repo: string,
  appPath: string,
  e: CmpEnv = {},
  opts: { program?: string[]; onSpawn?: (pid: number) => void } = {},
): Promise<AppRun> {
  const appDir = path.join(repo, appPath);
  const program = opts.program ?? [process.execPath, cliPath];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(program[0]!, [...program.slice(1), ...generateArgsFromPluginYaml()], {
      cwd: appDir,
      env: cmpEnvironment(appPath, e),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGTERM' ? 143 : -1), stdout, stderr, ms: Date.now() - started, appDir }));
  });
}

/** The quickstart example's files, placed at `prefix` inside a repository. */
export function quickstartFiles(prefix: string): Record<string, string> {
  const dir = path.join(repoRoot, 'kustomize-examples', 'quickstart');
  const out: Record<string, string> = {};
  for (const n of ['kustomization.yaml', 'store.yaml', 'db-credentials.yaml', 'app-config.yaml', 'deployment.yaml']) {
    out[path.posix.join(prefix, n)] = readFileSync(path.join(dir, n), 'utf8');
  }
  return out;
}
