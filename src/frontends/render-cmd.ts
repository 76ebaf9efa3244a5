// `eso-render render`: a YAML or JSON stream on stdin (or files and folders) to a YAML stream on stdout.
// A thin adapter: read input and configuration, call the engine, print the stream or the errors.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Item, RenderOptions, Result } from '../engine/types.js';
import { render } from '../engine/render.js';
import { parseManifests, parseManifestsLazily, readManifests, readManifestsLazily, writeYamlStreamChunks, ManifestError } from './stream.js';
import { lateErrors } from './stream-lazy.js';
import { noRenderConfig } from '../config/default-options.js';
import { readManifestPath } from '../config/manifest-files.js';
import { parseGoDuration } from '../common/duration.js';
import { formatResults, printable, resultJsonLine } from './result-text.js';
import { summaryLine, type LogFormat } from './summary.js';
import { applySealFlags, sealFlagOptions } from './seal-flags.js';
import { emptyFolderWarnings, notAStoreProblem, readClassAndNamespace } from './input-checks.js';
import { beginInput } from './input-limits.js';

export interface CommandIO {
  stdin: () => Promise<string>;
  /** The raw bytes of stdin, so that input which is not UTF-8 is reported instead of silently mangled. */
  stdinBytes?: () => Promise<Uint8Array>;
  /**
   * Called once the command has read stdin for the last time: the process's side forgets the bytes it
   * kept for a second reader (the pass-through, then the command), a copy of the input for the whole run.
   */
  releaseStdin?: () => void;
  /**
   * Shown each manifest stream the command reads, before it is parsed: the process fits V8 to how much
   * there is to render (cli-start.ts, docs/adr/0011-optimizing-compiler.md). Reads nothing from it but
   * how often an ESO apiVersion occurs.
   */
  noteInput?: (input: string | Uint8Array) => void;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const renderUsage = `Usage: eso-render render [options]

Reads Kubernetes manifests (a YAML stream, a JSON object or a List) and writes them back with every
ExternalSecret replaced by the Secret External Secrets Operator would write.

Options:
  -f, --filename PATH          a file or folder of .yaml/.yml/.json manifests (repeatable; default: stdin)
      --config FILE            a RenderConfig (eso-render.dev/v1alpha1) with stores, credentials and limits
      --stores PATH            SecretStore/ClusterSecretStore manifests supplied by the platform (repeatable)
      --credentials-dir DIR    credentials laid out as <namespace>/<name>/<key>, like mounted Secrets
      --allow-stream-credentials   let Secrets in the stream serve as store credentials
      --keep-stores            keep SecretStores/ClusterSecretStores in the output
      --deadline DURATION      overall deadline, Go duration (default 50s)
      --concurrency N          concurrent requests per store (default 16)
      --global-concurrency N   concurrent requests over all stores (default 64)
      --log-format text|json   format of the summary and findings on stderr (default text)
      --redact                 preview: contact no backend, show placeholders derived from each reference
      --rollout-on-change      stamp a checksum of consumed Secrets into workloads' pod templates
      --platform-key-file FILE key (32+ bytes) for every digest of secret data in the output (HMAC-SHA256)
      --seal-cert FILE         emit SealedSecrets for this controller certificate (kubeseal --fetch-cert)
      --seal-scope SCOPE       strict (default), namespace-wide or cluster-wide
      --seal-key-file FILE     key sealing derives under (default: the platform key)
  -n, --namespace NS           namespace of ExternalSecrets that name none (as kubectl's; default "default")
      --controller-class NAME  the ESO controller class rendered (default "default"); stores of another
                               class and the ExternalSecrets using them pass through untouched
  -q, --quiet                  no summary line on stderr
  -h, --help                   this help

Exit codes: 0 rendered, 1 a resource could not be rendered (nothing is written to stdout), 2 usage error.
`;

const KUSTOMIZATION_FILES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

function readPath(p: string, cwd: string, parse = parseManifests, noteInput?: CommandIO['noteInput']): Item[] {
  const abs = path.resolve(cwd, p);
  const read = (file: string, origin: string): Item[] => {
    const bytes = readFileSync(file);
    noteInput?.(bytes);
    return parse(bytes, origin);
  };
  if (statSync(abs).isDirectory()) {
    return readdirSync(abs)
      .filter((n) => /\.(ya?ml|json)$/i.test(n) && !KUSTOMIZATION_FILES.has(n))
      .sort()
      .flatMap((n) => read(path.join(abs, n), path.join(p, n)));
  }
  return read(abs, p);
}

const commonOptions = {
  filename: { type: 'string', short: 'f', multiple: true },
  config: { type: 'string' },
  stores: { type: 'string', multiple: true },
  'credentials-dir': { type: 'string' },
  'allow-stream-credentials': { type: 'boolean' },
  'keep-stores': { type: 'boolean' },
  deadline: { type: 'string' },
  concurrency: { type: 'string' },
  'global-concurrency': { type: 'string' },
  'log-format': { type: 'string' },
  redact: { type: 'boolean' },
  'rollout-on-change': { type: 'boolean' },
  ...sealFlagOptions,
  namespace: { type: 'string', short: 'n' },
  'controller-class': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CommandInput {
  items: Item[];
  options: RenderOptions;
  report: (results: Result[]) => void;
  logFormat: LogFormat;
  quiet: boolean;
  redact: boolean;
  /** Warnings about the input itself (a folder with no manifests), to be reported with the run's findings. */
  warnings: Result[];
}

/**
 * Reads the options shared by `render` and `validate`, the configuration and the input stream.
 * Returns an exit code when the command must stop (help printed, usage or input error).
 */
export async function readCommandInput(name: string, usage: string, argv: string[], io: CommandIO, stdinText?: string): Promise<CommandInput | number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: commonOptions, allowPositionals: false });
  } catch (e) {
    io.stderr(`eso-render ${name}: ${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  const v = args.values;
  if (v.help) {
    io.stdout(usage);
    return 0;
  }
  const logFormat = (v['log-format'] ?? 'text') as LogFormat;
  if (logFormat !== 'text' && logFormat !== 'json') {
    io.stderr(`eso-render ${name}: --log-format must be text or json\n`);
    return 2;
  }
  const report = (results: Result[]) => {
    if (logFormat === 'json') for (const r of results) io.stderr(resultJsonLine(r));
    else io.stderr(formatResults(results));
  };

  // The RenderConfig reader (every section's) loads only for a run given one.
  const cfg = v.config ? (await import('../config/renderconfig.js')).readRenderConfigFile(path.resolve(io.cwd, v.config)) : noRenderConfig(io.cwd);
  const options = cfg.options;
  try {
    for (const s of v.stores ?? []) {
      for (const f of readManifestPath(s, io.cwd)) {
        const notStore = notAStoreProblem(f.path, f.items.map((i) => i.object));
        if (notStore) throw new Error(notStore);
        options.platformStores.push(...f.items.map((i) => i.object));
      }
    }
  } catch (e) {
    io.stderr(printable(`eso-render ${name}: --stores: ${(e as Error).message}`) + '\n');
    return 2;
  }
  if (v['credentials-dir']) options.credentialsDir = path.resolve(io.cwd, v['credentials-dir']);
  if (v['allow-stream-credentials']) options.allowStreamCredentials = true;
  if (v['keep-stores']) options.keepStores = true;
  if (v['rollout-on-change']) options.rolloutOnChange = true;
  if (v.redact) options.redact = true;
  const flagProblem = applySealFlags(v, options, io.cwd) ?? readClassAndNamespace(v.namespace, v['controller-class'], options);
  if (flagProblem) {
    io.stderr(`eso-render ${name}: ${flagProblem}\n`);
    return 2;
  }
  try {
    if (v.deadline) options.deadlineMs = parseGoDuration(v.deadline);
  } catch (e) {
    io.stderr(`eso-render ${name}: --deadline: ${(e as Error).message}\n`);
    return 2;
  }
  if (v.concurrency) {
    const n = Number(v.concurrency);
    if (!Number.isInteger(n) || n < 1) {
      io.stderr(`eso-render ${name}: --concurrency must be a positive whole number\n`);
      return 2;
    }
    options.concurrency = { ...options.concurrency, perStore: n };
  }
  if (v['global-concurrency']) {
    const n = Number(v['global-concurrency']);
    if (!Number.isInteger(n) || n < 1) {
      io.stderr(`eso-render ${name}: --global-concurrency must be a positive whole number\n`);
      return 2;
    }
    options.concurrency = { ...options.concurrency, global: n };
  }
  if (cfg.problems.some((p) => p.severity === 'error')) {
    report(cfg.problems);
    return 2;
  }

  let items: Item[];
  const inputWarnings: Result[] = [];
  // Size and document count of everything this run reads, as the configuration bounds them.
  beginInput(options.limits);
  try {
    // `render` parses only what the engine reads (issue 19); `validate` checks every document.
    const lazy = name === 'render';
    if (v.filename?.length) {
      items = v.filename.flatMap((f) => readPath(f, io.cwd, lazy ? parseManifestsLazily : parseManifests, io.noteInput));
      inputWarnings.push(...emptyFolderWarnings(v.filename, io.cwd));
    }
    else {
      // Every parse error of the stream at once, each with its place.
      const input = stdinText ?? (io.stdinBytes ? await io.stdinBytes() : await io.stdin());
      io.releaseStdin?.();
      io.noteInput?.(input);
      const parsed = (lazy ? readManifestsLazily : readManifests)(input, '<stdin>');
      if (parsed.errors.length) {
        report(parsed.errors.map((e) => ({ severity: 'error' as const, message: e.message })));
        return 1;
      }
      items = parsed.items;
    }
  } catch (e) {
    if (e instanceof ManifestError) {
      report([{ severity: 'error', message: e.message }]);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    io.stderr(printable(`eso-render ${name}: ${err.code === 'ENOENT' ? `no such file or folder: ${err.path}` : err.message}`) + '\n');
    return 2;
  }
  items.push(...cfg.resources);
  return { items, options, report, logFormat, quiet: v.quiet === true, redact: v.redact === true, warnings: inputWarnings };
}

export async function runRender(argv: string[], io: CommandIO): Promise<number> {
  const input = await readCommandInput('render', renderUsage, argv, io);
  if (typeof input === 'number') return input;
  const outcome = await render(input.items, input.options);
  // A document read lazily that the engine found unreadable fails the run (stream-lazy.ts).
  const late = lateErrors(input.items);
  if (late.length > 0) {
    input.report(late.map((e) => ({ severity: 'error' as const, message: e.message })));
    return 1;
  }
  outcome.results.unshift(...input.warnings);
  input.report(outcome.results.filter((r) => r.severity !== 'info'));
  if (!input.quiet) io.stderr(summaryLine(outcome, input.logFormat));
  if (!outcome.ok) return 1;
  for (const chunk of writeYamlStreamChunks(outcome.items)) io.stdout(chunk);
  return 0;
}
