// What one Application may ask of `eso-render generate`: plugin parameters (ARGOCD_APP_PARAMETERS, or
// PARAM_* when that is absent) and `plugin.env` entries (ARGOCD_ENV_ESO_RENDER_*). Parameters win over
// env entries. Everything that decides *what may be read* (stores, policy, credentials) is the platform's
// and comes from the sidecar's RenderConfig, never from here.
import { parseGoDuration } from '../common/duration.js';
import type { LogFormat } from './summary.js';

export type BuildMode = 'auto' | 'kustomize' | 'helm' | 'plain';

export interface GenerateSettings {
  buildMode: BuildMode;
  helmValuesFiles: string[];
  /** Inline values YAML, given to helm as one more values file after `helmValuesFiles`. */
  helmValues?: string;
  /** `--set name=value`, in the order given. */
  helmParameters: [string, string][];
  helmReleaseName?: string;
  kustomizeBuildOptions: string[];
  allowEmpty: boolean;
  logFormat?: LogFormat;
  deadlineMs?: number;
  rolloutOnChange: boolean;
  /** The app's wish about sealing; only the platform's spec.seal can enable it, and `required` forbids false. */
  seal?: boolean;
}

type Kind = 'string' | 'array' | 'map';

interface ParamSpec {
  kind: Kind;
  /** `ARGOCD_ENV_<env>` carries the same setting (arrays comma-separated); maps have none. */
  env?: string;
  apply(s: GenerateSettings, v: string | string[] | [string, string][], fail: (m: string) => void): void;
}

const boolOf = (v: string, fail: (m: string) => void): boolean | undefined => {
  const t = v.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false' || t === '') return false;
  fail(`must be "true" or "false", got ${JSON.stringify(v)}`);
  return undefined;
};

/**
 * Build options an Application may pass to kustomize. Anything else could read files outside the
 * repository (`--load-restrictor LoadRestrictionsNone`, `--mount`), run programs (`--enable-exec`,
 * `--helm-command`, alpha plugins) or reach the network on the sidecar's behalf; the platform can still
 * set those through the sidecar's ESO_RENDER_KUSTOMIZE_BUILD_OPTIONS.
 */
const appKustomizeFlags = new Map<string, RegExp | null>([
  ['--enable-helm', null],
  ['--load-restrictor', /^LoadRestrictionsRootOnly$/],
  ['--reorder', /^(legacy|none)$/],
  ['--helm-kube-version', /^v?\d+\.\d+(\.\d+)?$/],
  ['--helm-api-versions', /^[A-Za-z0-9./,-]+$/],
  ['--helm-debug', null],
]);

export function checkAppKustomizeOptions(tokens: readonly string[]): string | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const eq = t.indexOf('=');
    const flag = eq >= 0 ? t.slice(0, eq) : t;
    if (!appKustomizeFlags.has(flag)) {
      return `${JSON.stringify(flag)} is not allowed per Application; allowed: ${[...appKustomizeFlags.keys()].join(', ')} (the platform may set others in the sidecar's ESO_RENDER_KUSTOMIZE_BUILD_OPTIONS)`;
    }
    const valueRe = appKustomizeFlags.get(flag)!;
    if (valueRe === null) {
      if (eq >= 0) return `${flag} takes no value`;
      continue;
    }
    const value = eq >= 0 ? t.slice(eq + 1) : tokens[++i];
    if (value === undefined || !valueRe.test(value)) return `${flag} needs a value matching ${valueRe.source}`;
  }
  return undefined;
}

export const splitOptions = (s: string): string[] => s.split(/\s+/).filter((x) => x !== '');

/** The parameters eso-render announces in plugin.yaml, and how each is read. */
export const parameterSpecs: Record<string, ParamSpec> = {
  'build-mode': {
    kind: 'string',
    env: 'BUILD_MODE',
    apply(s, v, fail) {
      const m = String(v).trim() || 'auto';
      if (m === 'auto' || m === 'kustomize' || m === 'helm' || m === 'plain') s.buildMode = m;
      else fail(`must be auto, kustomize, helm or plain, got ${JSON.stringify(v)}`);
    },
  },
  'helm-values-files': {
    kind: 'array',
    env: 'HELM_VALUES_FILES',
    apply(s, v) {
      s.helmValuesFiles = (v as string[]).map((x) => x.trim()).filter((x) => x !== '');
    },
  },
  'helm-values': {
    kind: 'string',
    env: 'HELM_VALUES',
    apply(s, v) {
      if (String(v).trim() !== '') s.helmValues = String(v);
    },
  },
  'helm-parameters': {
    kind: 'map',
    apply(s, v) {
      s.helmParameters = v as [string, string][];
    },
  },
  'helm-release-name': {
    kind: 'string',
    env: 'HELM_RELEASE_NAME',
    apply(s, v, fail) {
      const n = String(v).trim();
      if (n === '') return;
      // Helm's own rule for release names (DNS-1123 label, at most 53 characters).
      if (/^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/.test(n)) s.helmReleaseName = n;
      else fail(`must be a lower-case DNS label of at most 53 characters, got ${JSON.stringify(v)}`);
    },
  },
  'kustomize-build-options': {
    kind: 'string',
    env: 'KUSTOMIZE_BUILD_OPTIONS',
    apply(s, v, fail) {
      const tokens = splitOptions(String(v));
      const why = checkAppKustomizeOptions(tokens);
      if (why) fail(why);
      else s.kustomizeBuildOptions = tokens;
    },
  },
  'allow-empty': {
    kind: 'string',
    env: 'ALLOW_EMPTY',
    apply(s, v, fail) {
      const b = boolOf(String(v), fail);
      if (b !== undefined) s.allowEmpty = b;
    },
  },
  'rollout-on-change': {
    kind: 'string',
    env: 'ROLLOUT_ON_CHANGE',
    apply(s, v, fail) {
      const b = boolOf(String(v), fail);
      if (b !== undefined) s.rolloutOnChange = b;
    },
  },
  seal: {
    kind: 'string',
    env: 'SEAL',
    apply(s, v, fail) {
      if (String(v).trim() === '') return;
      const b = boolOf(String(v), fail);
      if (b !== undefined) s.seal = b;
    },
  },
  deadline: {
    kind: 'string',
    env: 'DEADLINE',
    apply(s, v, fail) {
      if (String(v).trim() === '') return;
      try {
        const ms = parseGoDuration(String(v));
        if (ms <= 0) fail(`must be longer than zero, got ${JSON.stringify(v)}`);
        else s.deadlineMs = ms;
      } catch (e) {
        fail((e as Error).message);
      }
    },
  },
  'log-format': {
    kind: 'string',
    env: 'LOG_FORMAT',
    apply(s, v, fail) {
      const f = String(v).trim();
      if (f === 'text' || f === 'json') s.logFormat = f;
      else if (f !== '') fail(`must be text or json, got ${JSON.stringify(v)}`);
    },
  },
};

export const ENV_PREFIX = 'ARGOCD_ENV_ESO_RENDER_';

/** Argo CD's PARAM_* name escaping: upper-case, anything outside [A-Z0-9_] becomes `_`. */
export function paramEnvName(name: string): string {
  return `PARAM_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

interface RawParam {
  name: string;
  string?: string;
  array?: string[];
  map?: Record<string, string>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** ARGOCD_APP_PARAMETERS: a JSON list of {name, string|array|map}; `null` when none were set. */
function parseAppParameters(text: string, problems: string[]): RawParam[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    problems.push('ARGOCD_APP_PARAMETERS is not valid JSON');
    return [];
  }
  if (v === null) return [];
  if (!Array.isArray(v)) {
    problems.push('ARGOCD_APP_PARAMETERS must be a JSON list of parameters');
    return [];
  }
  const out: RawParam[] = [];
  v.forEach((p, i) => {
    if (!isRecord(p) || typeof p.name !== 'string') {
      problems.push(`ARGOCD_APP_PARAMETERS[${i}] has no name`);
      return;
    }
    const r: RawParam = { name: p.name };
    if (p.string !== undefined) r.string = typeof p.string === 'string' ? p.string : String(p.string);
    if (Array.isArray(p.array)) r.array = p.array.map((x) => (typeof x === 'string' ? x : String(x)));
    if (isRecord(p.map)) r.map = Object.fromEntries(Object.entries(p.map).map(([k, x]) => [k, typeof x === 'string' ? x : String(x)]));
    out.push(r);
  });
  return out;
}

/** Without ARGOCD_APP_PARAMETERS, the known parameters are read back from PARAM_* (maps cannot be: their keys are escaped). */
function paramsFromEnv(env: Readonly<Record<string, string | undefined>>): RawParam[] {
  const out: RawParam[] = [];
  for (const [name, spec] of Object.entries(parameterSpecs)) {
    const base = paramEnvName(name);
    if (spec.kind === 'string' && env[base] !== undefined) out.push({ name, string: env[base] });
    if (spec.kind === 'array' && env[`${base}_0`] !== undefined) {
      const items: string[] = [];
      for (let i = 0; env[`${base}_${i}`] !== undefined; i++) items.push(env[`${base}_${i}`]!);
      out.push({ name, array: items });
    }
  }
  return out;
}

export interface SettingsRead {
  settings: GenerateSettings;
  /** Each names the parameter or variable and why it was refused; never its value. */
  problems: string[];
}

export function readGenerateSettings(env: Readonly<Record<string, string | undefined>>): SettingsRead {
  const settings: GenerateSettings = {
    buildMode: 'auto',
    helmValuesFiles: [],
    helmParameters: [],
    kustomizeBuildOptions: [],
    allowEmpty: false,
    rolloutOnChange: false,
  };
  const problems: string[] = [];

  // plugin.env first, so parameters (applied after) win.
  for (const spec of Object.values(parameterSpecs)) {
    if (!spec.env) continue;
    const key = `${ENV_PREFIX}${spec.env}`;
    const v = env[key];
    if (v === undefined) continue;
    const fail = (m: string) => problems.push(`${key}: ${m}`);
    spec.apply(settings, spec.kind === 'array' ? v.split(',') : v, fail);
  }

  const raw = env.ARGOCD_APP_PARAMETERS !== undefined ? parseAppParameters(env.ARGOCD_APP_PARAMETERS, problems) : paramsFromEnv(env);
  const seen = new Set<string>();
  for (const p of raw) {
    const spec = Object.hasOwn(parameterSpecs, p.name) ? parameterSpecs[p.name] : undefined;
    const fail = (m: string) => problems.push(`parameter ${JSON.stringify(p.name)}: ${m}`);
    if (!spec) {
      fail(`unknown parameter; eso-render takes ${Object.keys(parameterSpecs).join(', ')}`);
      continue;
    }
    if (seen.has(p.name)) {
      fail('set more than once');
      continue;
    }
    seen.add(p.name);
    if (spec.kind === 'string') {
      if (p.array !== undefined || p.map !== undefined) fail('takes a string, not a list or map');
      else spec.apply(settings, p.string ?? '', fail);
    } else if (spec.kind === 'array') {
      if (p.string !== undefined || p.map !== undefined) fail('takes a list (array), not a string or map');
      else spec.apply(settings, p.array ?? [], fail);
    } else {
      if (p.string !== undefined || p.array !== undefined) fail('takes a map, not a string or list');
      else spec.apply(settings, Object.entries(p.map ?? {}), fail);
    }
  }
  return { settings, problems };
}
