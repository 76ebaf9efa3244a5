// The KRM function front end (kustomize exec/container functions, `kpt fn render`, `kpt fn eval`) and the
// legacy kustomize exec plugin. Adapters only: translate the wire format, call the engine, translate back.
//
// Exit codes follow the kpt SDK: 0 ok, 1 error results, 2 exception or unreadable input, 3 bad function
// config. Both orchestrators ignore an error result that comes with exit 0, so any error exits non-zero;
// stdout is never empty on exit 0 (kpt would delete the package's files, kustomize every resource).
import { loadRenderConfig, readRenderConfigFile, type LoadedRenderConfig } from '../config/renderconfig.js';
import { render } from '../engine/render.js';
import type { Item, RenderOutcome, Result } from '../engine/types.js';
import { placeGeneratedSecrets, withFiles } from './orchestrator-annotations.js';
import { lateResourceListError, NotAResourceListError, parseResourceListLazily, writeResourceList, type ResourceListIn } from './resource-list.js';
import { summaryLine } from './summary.js';
import { formatResults, printable, printableResults } from './result-text.js';
import { parseManifests, writeManifests } from './stream.js';

export const exitCodes = { ok: 0, errors: 1, exception: 2, badConfig: 3 } as const;

/** What a front end needs from its process: where it runs and its environment variables. */
export interface FrontendEnv {
  cwd: string;
  vars: Readonly<Record<string, string | undefined>>;
}

export interface RunOutput {
  stdout: string;
  stderr: string;
  code: number;
}

/** Accepts the process environment alone too (then the cwd is the process's). */
function frontendEnv(env: FrontendEnv | NodeJS.ProcessEnv): FrontendEnv {
  const e = env as Partial<FrontendEnv>;
  if (typeof e.cwd === 'string' && typeof e.vars === 'object' && e.vars !== null) return e as FrontendEnv;
  return { cwd: process.cwd(), vars: env as NodeJS.ProcessEnv };
}

const packagePathAnnotation = 'internal.config.kubernetes.io/package-path';

/**
 * The folder relative paths in the function config resolve against:
 * - kpt fn render: the package whose pipeline runs (kpt's `package-path` annotation on the configPath
 *   object, else the shortest one on the items: subpackages sit below it). kpt's own cwd is wherever
 *   the user ran kpt, so it is not used.
 * - kustomize (KRM exec function and legacy plugin): the process cwd, which kustomize sets to the
 *   kustomization folder that lists the config.
 * - kpt fn eval: no package-path is sent, so kpt's cwd.
 */
export function krmBaseDir(functionConfig: unknown, items: readonly Item[], cwd: string): string {
  const fcAnn = (functionConfig as { metadata?: { annotations?: Record<string, unknown> } } | null)?.metadata?.annotations;
  const own = fcAnn?.[packagePathAnnotation];
  if (typeof own === 'string' && own !== '') return own;
  let best: string | undefined;
  for (const it of items) {
    // An item read lazily whose text cannot hold the annotation is not parsed to look for it.
    if (it.certainlyLacks?.(packagePathAnnotation) === true) continue;
    const p = it.object.metadata?.annotations?.[packagePathAnnotation];
    if (typeof p === 'string' && p !== '' && (best === undefined || p.length < best.length)) best = p;
  }
  return best ?? cwd;
}

function hasErrors(results: readonly Result[]): boolean {
  return results.some((r) => r.severity === 'error');
}

function firstLine(e: unknown): string {
  return printable(String(e instanceof Error ? e.message : e).split('\n')[0]!);
}

/** Only the class of an unexpected exception: its message could quote a provider's response. */
function internalError(e: Error): string {
  return `internal error (${e.name}); no Secrets were rendered`;
}

/** The same summary line as `render`'s (one format for every front end). */
function summary(outcome: RenderOutcome): string {
  return summaryLine(outcome, 'text');
}

async function renderSafely(items: Item[], cfg: LoadedRenderConfig): Promise<RenderOutcome | Error> {
  try {
    return await render(items, cfg.options);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/**
 * One KRM function call: a ResourceList on stdin, a ResourceList on stdout. On failure the input items
 * are echoed unchanged with the error results, so kpt can show them and nothing is lost if a caller
 * ignores the exit code.
 */
export async function runKrm(input: string, environment: FrontendEnv | NodeJS.ProcessEnv): Promise<RunOutput> {
  const env = frontendEnv(environment);
  let rl: ResourceListIn;
  try {
    // Items the engine does not act on are parsed only if it reads them (issue 19).
    rl = parseResourceListLazily(input);
  } catch (e) {
    const why = e instanceof NotAResourceListError ? e.message : `cannot read the ResourceList: ${firstLine(e)}`;
    return { stdout: '', stderr: `eso-render: ${why}\n`, code: exitCodes.exception };
  }
  const wrap = (items: readonly Item[], results: readonly Result[]) =>
    writeResourceList({ apiVersion: rl.apiVersion, kind: rl.kind, items, results: printableResults(withFiles(results, rl.items)) });

  const cfg = loadRenderConfig(rl.functionConfig, krmBaseDir(rl.functionConfig, rl.items, env.cwd));
  if (hasErrors(cfg.problems)) {
    const results = withFiles(cfg.problems, rl.items);
    return { stdout: wrap(rl.items, results), stderr: formatResults(results), code: exitCodes.badConfig };
  }

  const outcome = await renderSafely([...rl.items, ...cfg.resources], cfg);
  // An item read lazily that the engine found unreadable fails the run as unreadable stdin would have.
  const late = lateResourceListError(rl);
  if (late !== undefined) return { stdout: '', stderr: `eso-render: ${late}\n`, code: exitCodes.exception };
  if (outcome instanceof Error) {
    const results: Result[] = [...cfg.problems, { severity: 'error', message: internalError(outcome) }];
    return { stdout: wrap(rl.items, results), stderr: formatResults(results), code: exitCodes.exception };
  }
  const results = withFiles([...cfg.problems, ...outcome.results], rl.items);
  if (!outcome.ok || hasErrors(results)) {
    return { stdout: wrap(rl.items, results), stderr: formatResults(results) + summary({ ...outcome, ok: false }), code: exitCodes.errors };
  }
  const items = placeGeneratedSecretsAmongUnread(rl.items, outcome.items);
  const stdout = wrap(items, results);
  const lateOut = lateResourceListError(rl);
  if (lateOut !== undefined) return { stdout: '', stderr: `eso-render: ${lateOut}\n`, code: exitCodes.exception };
  return { stdout, stderr: formatResults(results.filter((r) => r.severity !== 'info')) + summary(outcome), code: exitCodes.ok };
}

/**
 * `placeGeneratedSecrets` (which gives each generated Secret the file and index kpt writes it to) without
 * parsing the items read lazily whose text cannot hold a file location: they add no path or index to its
 * bookkeeping and pass through as they are.
 */
function placeGeneratedSecretsAmongUnread(input: readonly Item[], output: readonly Item[]): Item[] {
  const quiet = new Set(input.filter((it) => it.certainlyLacks?.('config.kubernetes.io/path') === true));
  if (quiet.size === 0) return placeGeneratedSecrets(input, output);
  const placed = placeGeneratedSecrets(
    input.filter((it) => !quiet.has(it)),
    output.filter((it) => !quiet.has(it)),
  );
  let k = 0;
  return output.map((it) => (quiet.has(it) ? it : placed[k++]!));
}

/**
 * The legacy kustomize exec plugin (`kubectl kustomize --enable-alpha-plugins`): argv[1] is a temporary
 * copy of the RenderConfig, stdin a plain stream (empty for a generator), stdout a plain stream.
 * kustomize runs it in the kustomization folder and also says so in KUSTOMIZE_PLUGIN_CONFIG_ROOT; that
 * folder, not the temporary file's, is where relative paths resolve. On failure stdout stays empty and
 * stderr, which kustomize includes in its error, says why.
 */
export async function runLegacyPlugin(configPath: string, input: string, environment: FrontendEnv | NodeJS.ProcessEnv): Promise<RunOutput> {
  const env = frontendEnv(environment);
  const baseDir = env.vars.KUSTOMIZE_PLUGIN_CONFIG_ROOT || env.cwd;
  const cfg = readRenderConfigFile(configPath, baseDir);
  if (hasErrors(cfg.problems)) return { stdout: '', stderr: formatResults(cfg.problems), code: exitCodes.badConfig };
  let items: Item[];
  try {
    items = input.trim() === '' ? [] : parseManifests(input);
  } catch (e) {
    return { stdout: '', stderr: `eso-render: cannot read the resources on stdin: ${firstLine(e)}\n`, code: exitCodes.exception };
  }
  const outcome = await renderSafely([...items, ...cfg.resources], cfg);
  if (outcome instanceof Error) {
    return { stdout: '', stderr: `eso-render: ${internalError(outcome)}\n`, code: exitCodes.exception };
  }
  const results = [...cfg.problems, ...outcome.results];
  if (!outcome.ok || hasErrors(results)) return { stdout: '', stderr: formatResults(results) + summary({ ...outcome, ok: false }), code: exitCodes.errors };
  return {
    // No file locations here, but the ExternalSecret's in-flight kustomize annotations still come off its Secret.
    stdout: writeManifests(placeGeneratedSecrets(items, outcome.items)),
    stderr: formatResults(results.filter((r) => r.severity !== 'info')) + summary(outcome),
    code: exitCodes.ok,
  };
}
