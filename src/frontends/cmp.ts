// `eso-render generate [DIR]`: the Argo CD Config Management Plugin's generate command. Runs in the app
// folder the sidecar extracted (files 0644, no shell), builds it as Argo CD would, renders the
// ExternalSecrets, and prints a plain YAML stream for the repo-server to apply.
//
// Channels: stdout carries the manifests and nothing else, written once at the end, so a failure leaves
// it empty. stderr carries findings and one summary line; Argo CD shows it in the Application's
// ComparisonError on failure, so it never holds a value. Exit 0 rendered, 1 the build or a resource
// failed or the output is empty, 2 a usage or platform configuration error.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadRenderConfig, readRenderConfigFile, type LoadedRenderConfig } from '../config/renderconfig.js';
import { render } from '../engine/render.js';
import type { AppContext, Item, RenderOutcome, RenderStats, Result } from '../engine/types.js';
import { killAllChildren } from './_child_process.js';
import { buildApp, repositoryRoot, type BuildResult } from './build-app.js';
import { readGenerateSettings, splitOptions } from './cmp-settings.js';
import { applyGenerateDigestRules } from './cmp-seal.js';
import { isOrchestratorAnnotation } from './orchestrator-annotations.js';
import type { CommandIO } from './render-cmd.js';
import { formatResults, jsonLine, printable, resultJsonLine } from './result-text.js';
import { ManifestError, withoutAnnotations, writeYamlStreamChunks } from './stream.js';
import { summaryLine, type LogFormat } from './summary.js';
import { lateErrors, mayHaveAnnotations } from './stream-lazy.js';
import { beginInput } from './input-limits.js';
import { formatGoDuration } from '../common/duration.js';

export const generateUsage = `Usage: eso-render generate [DIR]

The Argo CD Config Management Plugin command (see plugin.yaml and docs/argocd.md). Builds DIR (default:
the current folder) as Argo CD would (kustomization → kustomize build, Chart.yaml → helm template,
otherwise its YAML/JSON files), renders its ExternalSecrets and prints a plain YAML stream.

Per Application (plugin parameters, or plugin.env as ARGOCD_ENV_ESO_RENDER_<NAME>):
  build-mode               auto | kustomize | helm | plain          (BUILD_MODE)
  helm-values-files        values files, relative to DIR            (HELM_VALUES_FILES, comma-separated)
  helm-values              inline values YAML                        (HELM_VALUES)
  helm-parameters          map of --set name=value                   (parameter only)
  helm-release-name        release name (default: the app's name)    (HELM_RELEASE_NAME)
  kustomize-build-options  --enable-helm, --load-restrictor LoadRestrictionsRootOnly, --reorder,
                           --helm-kube-version, --helm-api-versions, --helm-debug   (KUSTOMIZE_BUILD_OPTIONS)
  allow-empty              true: an empty result is not an error     (ALLOW_EMPTY)
  rollout-on-change        true: stamp Secret checksums into workloads (ROLLOUT_ON_CHANGE); needs the
                           platform key (spec.platformKeyFile)
  seal                     false: plain Secrets where the platform seals but does not require it (SEAL)
  deadline                 shorter deadline than the platform's, Go duration (DEADLINE)
  log-format               text | json                               (LOG_FORMAT)

Set on the sidecar by the platform:
  ESO_RENDER_CONFIG                     path of the RenderConfig (stores, credentials, policy, limits)
  ESO_RENDER_KUSTOMIZE_BUILD_OPTIONS    extra kustomize build options, not restricted
  ESO_RENDER_LOG_FORMAT                 default log format (text | json)

Exit codes: 0 rendered, 1 the build or a resource failed or the output was empty, 2 usage or configuration error.
`;

/** kpt/kustomize mark objects that configure the build and must not reach the cluster. */
const LOCAL_CONFIG = 'config.kubernetes.io/local-config';

function contextOf(env: CommandIO['env']): AppContext {
  const ctx: AppContext = {};
  if (env.ARGOCD_APP_PROJECT_NAME) ctx.project = env.ARGOCD_APP_PROJECT_NAME;
  if (env.ARGOCD_APP_NAME) ctx.app = env.ARGOCD_APP_NAME;
  if (env.ARGOCD_APP_NAMESPACE) ctx.namespace = env.ARGOCD_APP_NAMESPACE;
  return ctx;
}

function emptyStats(resourcesIn = 0): RenderStats {
  return { resourcesIn, resourcesOut: 0, externalSecrets: 0, secretsEmitted: 0, requests: {}, retries: 0, durationMs: 0 };
}

/**
 * Annotations in the config.kubernetes.io group that users write or ask kustomize for (buildMetadata), and
 * that Argo CD's own kustomize build would apply: kept.
 */
const userAnnotations = new Set(['config.kubernetes.io/origin', 'config.kubernetes.io/depends-on', 'config.kubernetes.io/apply-time-mutation']);

/** What reaches Argo CD: no build-only objects, no annotations orchestrators put on resources in flight. */
export function forArgoCd(items: readonly Item[]): Item[] {
  // An item read lazily whose text holds no annotation is not parsed for this (stream-lazy.ts).
  return items
    .filter((it) => !mayHaveAnnotations(it) || String(it.object.metadata?.annotations?.[LOCAL_CONFIG] ?? '').toLowerCase() !== 'true')
    .map((it) => (mayHaveAnnotations(it) ? withoutAnnotations(it, (k) => isOrchestratorAnnotation(k) && !userAnnotations.has(k)) : it));
}

class Log {
  constructor(
    private readonly io: CommandIO,
    readonly format: LogFormat,
    private readonly ctx: AppContext,
  ) {}

  private get fields(): Record<string, string> {
    return {
      ...(this.ctx.app ? { app: this.ctx.app } : {}),
      ...(this.ctx.project ? { project: this.ctx.project } : {}),
      ...(this.ctx.namespace ? { destinationNamespace: this.ctx.namespace } : {}),
    };
  }

  error(msg: string, extra: Record<string, unknown> = {}): void {
    if (this.format === 'json') this.io.stderr(jsonLine({ level: 'error', msg: printable(msg), ...extra, ...this.fields }));
    else this.io.stderr(`eso-render generate: ${printable(msg)}\n`);
  }

  results(results: readonly Result[]): void {
    if (results.length === 0) return;
    if (this.format === 'json') for (const r of results) this.io.stderr(resultJsonLine(r, this.fields));
    else this.io.stderr(formatResults(results));
  }

  /** The one summary line of the run, with the build step and the Argo CD context beside the engine's counts. */
  summary(outcome: RenderOutcome, build: { tool?: string; ms: number } | undefined, totalMs: number): void {
    const line = summaryLine(outcome, this.format);
    if (this.format === 'json') {
      const o = JSON.parse(line) as Record<string, unknown>;
      this.io.stderr(
        jsonLine({ ...o, command: 'generate', ...this.fields, ...(build ? { build: build.tool ?? 'none', buildMs: build.ms } : {}), totalMs }),
      );
    } else {
      const extra = [build?.tool ? `${build.tool} ${build.ms} ms` : undefined, `total ${totalMs} ms`, this.ctx.app ? `app ${this.ctx.app}` : undefined]
        .filter((x) => x !== undefined)
        .join(', ');
      this.io.stderr(line.replace(/\n$/, `; ${printable(extra)}\n`));
    }
  }
}

function platformConfig(env: CommandIO['env'], dir: string): LoadedRenderConfig {
  const file = env.ESO_RENDER_CONFIG;
  // Relative paths in the platform's file resolve against its own folder, never the app's.
  return file ? readRenderConfigFile(file) : loadRenderConfig(undefined, dir);
}

export interface GenerateHooks {
  /** Install a SIGTERM handler that stops the build and exits (the CLI does; in-process tests do not). */
  handleSignals?: boolean;
}

export async function runGenerate(argv: string[], io: CommandIO, hooks: GenerateHooks = { handleSignals: true }): Promise<number> {
  const started = Date.now();
  let args;
  try {
    args = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (e) {
    io.stderr(`eso-render generate: ${(e as Error).message}\n\n${generateUsage}`);
    return 2;
  }
  if (args.values.help) {
    io.stdout(generateUsage);
    return 0;
  }
  if (args.positionals.length > 1) {
    io.stderr(`eso-render generate: one folder at most\n\n${generateUsage}`);
    return 2;
  }
  const env = io.env;
  const dir = path.resolve(io.cwd, args.positionals[0] ?? '.');
  const ctx = contextOf(env);
  const { settings, problems } = readGenerateSettings(env);
  const platformFormat = env.ESO_RENDER_LOG_FORMAT === 'json' ? 'json' : 'text';
  const log = new Log(io, settings.logFormat ?? platformFormat, ctx);
  // Warnings about the app's settings, printed (and counted in the summary) whatever the outcome.
  const warnings: Result[] = [];
  const fail = (code: number, failures: Result[], stats = emptyStats(), build?: { tool?: string; ms: number }): number => {
    const results = [...warnings, ...failures];
    log.results(results);
    log.summary({ ok: false, results, stats }, build, Date.now() - started);
    return code;
  };

  if (problems.length > 0) return fail(2, problems.map((message) => ({ severity: 'error', message })));
  if (env.ESO_RENDER_LOG_FORMAT !== undefined && env.ESO_RENDER_LOG_FORMAT !== 'json' && env.ESO_RENDER_LOG_FORMAT !== 'text') {
    return fail(2, [{ severity: 'error', message: 'ESO_RENDER_LOG_FORMAT (sidecar) must be text or json' }]);
  }

  // A relative path would resolve inside the app's folder, letting the app supply the platform's policy.
  if (env.ESO_RENDER_CONFIG && !path.isAbsolute(env.ESO_RENDER_CONFIG)) {
    return fail(2, [{ severity: 'error', message: 'ESO_RENDER_CONFIG (sidecar) must be an absolute path' }]);
  }
  const cfg = platformConfig(env, dir);
  if (cfg.problems.some((p) => p.severity === 'error')) {
    return fail(2, [{ severity: 'error', message: `the platform configuration (ESO_RENDER_CONFIG) is not usable` }, ...cfg.problems]);
  }
  const options = cfg.options;
  // The app's files and the build's output together stay within the platform's input limits.
  beginInput(options.limits);
  if (cfg.resources.length > 0) {
    // Extra resources are for kustomize generators; in the shared sidecar they would land in every app.
    warnings.push({ severity: 'warning', message: 'spec.resources/resourceFiles of the platform configuration are not used by generate' });
  }
  options.context = ctx;
  options.sharedSidecar = true;
  // An Application may shorten the platform's deadline, never extend it; a longer wish is capped, and says so.
  if (settings.deadlineMs !== undefined) {
    if (settings.deadlineMs > options.deadlineMs) {
      warnings.push({
        severity: 'warning',
        message: `parameter "deadline" (${formatGoDuration(settings.deadlineMs)}) is longer than the platform's deadline (spec.deadline of ESO_RENDER_CONFIG: ${formatGoDuration(options.deadlineMs)}); ${formatGoDuration(options.deadlineMs)} is used, as an Application may shorten the deadline but not extend it`,
      });
    }
    options.deadlineMs = Math.min(options.deadlineMs, settings.deadlineMs);
  }
  if (settings.rolloutOnChange) options.rolloutOnChange = true;
  const refused = applyGenerateDigestRules(options, settings);
  if (refused) return fail(2, [{ severity: 'error', message: refused }]);
  const deadline = started + options.deadlineMs;

  const abort = new AbortController();
  const onTerm = () => {
    abort.abort();
    killAllChildren();
    log.error('terminated (SIGTERM) before finishing; nothing was written');
    process.exit(143);
  };
  if (hooks.handleSignals) process.once('SIGTERM', onTerm);
  try {
    // 1. Build the folder.
    const buildStarted = Date.now();
    let built: BuildResult;
    try {
      built = await buildApp({
        dir,
        repoRoot: repositoryRoot(dir, env.ARGOCD_APP_SOURCE_PATH),
        settings,
        platformKustomizeOptions: splitOptions(env.ESO_RENDER_KUSTOMIZE_BUILD_OPTIONS ?? ''),
        allowRemoteBases: options.build?.allowRemoteBases ?? [],
        env,
        deadline,
        signal: abort.signal,
        noteInput: io.noteInput,
      });
    } catch (e) {
      const message = e instanceof ManifestError ? `the build output is not a manifest stream: ${e.message}` : `cannot build ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      return fail(1, [{ severity: 'error', message }], emptyStats(), { ms: Date.now() - buildStarted });
    }
    const build = { tool: built.tool, ms: Date.now() - buildStarted };
    if (!built.ok) return fail(built.usage ? 2 : 1, [{ severity: 'error', message: built.message }], emptyStats(), build);

    // 2. Render, within what is left of the deadline.
    options.deadlineMs = deadline - Date.now();
    if (options.deadlineMs <= 0) {
      return fail(1, [{ severity: 'error', message: 'the deadline passed during the build; nothing was rendered' }], emptyStats(built.items.length), build);
    }
    const rendered = await render(built.items, options);
    // A document read lazily that turned out unreadable fails the run (stream-lazy.ts).
    const lateFailure = () => {
      const late = lateErrors(built.items);
      return late.length === 0
        ? undefined
        : fail(1, late.map((e) => ({ severity: 'error' as const, message: `the build output is not a manifest stream: ${e.message}` })), emptyStats(built.items.length), build);
    };
    const late = lateFailure();
    if (late !== undefined) return late;
    const outcome = { ...rendered, results: [...warnings, ...rendered.results] };
    log.results(outcome.results.filter((r) => r.severity !== 'info'));
    if (!outcome.ok) {
      log.summary(outcome, build, Date.now() - started);
      return 1;
    }

    // 3. Print, unless the result is empty: with automated pruning Argo CD would delete the whole app.
    const out = forArgoCd(outcome.items);
    const lateOut = lateFailure();
    if (lateOut !== undefined) return lateOut;
    if (out.length === 0 && !settings.allowEmpty) {
      const empty: Result = { severity: 'error', message: 'the app rendered to no resources; Argo CD with automated pruning would delete all of them. Set the parameter allow-empty=true (or ARGOCD_ENV_ESO_RENDER_ALLOW_EMPTY=true) if this is intended' };
      // The render's results are printed above; the summary counts them with this one.
      log.results([empty]);
      log.summary({ ok: false, results: [...outcome.results, empty], stats: outcome.stats }, build, Date.now() - started);
      return 1;
    }
    log.summary({ ...outcome, stats: { ...outcome.stats, resourcesOut: out.length } }, build, Date.now() - started);
    for (const chunk of writeYamlStreamChunks(out)) io.stdout(chunk);
    return 0;
  } finally {
    if (hooks.handleSignals) process.removeListener('SIGTERM', onTerm);
  }
}
