// The one function-config kind, `eso-render.dev/v1alpha1` `RenderConfig`, read the same way by every
// front end (KRM function, legacy kustomize plugin, the CLI). A kpt/kustomize `ConfigMap` carrying the
// same settings as strings is accepted too (kpt's `configMap:` and `fn eval -- key=value`).
// Unknown fields are rejected: a typo in a security setting must not silently fall back to a default.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type Item, type KubeObject, type RenderOptions, type Result } from '../engine/types.js';
import { parseGoDuration } from '../common/duration.js';
import { readManifestPath } from './manifest-files.js';
import { readPolicy } from './policy-section.js';
import { platformResourceSections } from './platform-section.js';
import { readPlatformKey } from './platform-key.js';
import { readSealSection } from './seal-section.js';
import { readControllerClass } from './controller-section.js';
import { readLimits } from './limits-section.js';
import { readBuildSection } from './build-section.js';
import { readUnmaskedSection } from './unmasked-section.js';
import { readWebhookSection } from './webhook-section.js';
import { freshOptions } from './default-options.js';

export const RENDER_CONFIG_API_VERSION = 'eso-render.dev/v1alpha1';
export const RENDER_CONFIG_KIND = 'RenderConfig';

const storeKinds = new Set(['SecretStore', 'ClusterSecretStore']);
const esoApiVersions = new Set(['external-secrets.io/v1', 'external-secrets.io/v1beta1']);

export interface LoadedRenderConfig {
  options: RenderOptions;
  /** Everything wrong with the configuration; any `error` makes the configuration unusable. */
  problems: Result[];
  /**
   * Extra input resources from `spec.resources` / `spec.resourceFiles`, appended to the stream. This is
   * what a kustomize *generator* works on, since kustomize sends a generator only its own config.
   */
  resources: Item[];
}

/** State shared by the section readers while one configuration is read. */
interface Reader {
  options: RenderOptions;
  problems: Result[];
  resources: Item[];
  baseDir: string;
  ref: Result['resourceRef'];
  /** How a spec field is named to the user (`spec.x.y`, or `data.key` for a ConfigMap). */
  fieldName(specPath: string): string;
}

type SectionReader = (value: unknown, r: Reader) => void;

function problem(r: Reader, specPath: string, message: string): void {
  const field = r.fieldName(specPath);
  r.problems.push({ severity: 'error', message, resourceRef: r.ref, field: { path: field } });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function readBool(key: 'allowStreamCredentials' | 'keepStores'): SectionReader {
  return (v, r) => {
    if (typeof v === 'boolean') r.options[key] = v;
    else problem(r, `spec.${key}`, `must be true or false, got ${describe(v)}`);
  };
}

function readPositiveInt(path: string, v: unknown, r: Reader): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return v;
  problem(r, path, `must be an integer of at least 1, got ${describe(v)}`);
  return undefined;
}

function readStringList(path: string, v: unknown, r: Reader): string[] {
  if (!Array.isArray(v)) {
    problem(r, path, `must be a list of paths, got ${describe(v)}`);
    return [];
  }
  const out: string[] = [];
  v.forEach((p, i) => {
    if (typeof p === 'string' && p.trim() !== '') out.push(p);
    else problem(r, `${path}[${i}]`, `must be a non-empty path, got ${describe(p)}`);
  });
  return out;
}

function checkStore(path: string, obj: unknown, r: Reader, where = ''): obj is KubeObject {
  if (!isRecord(obj)) {
    problem(r, path, `${where}must be a SecretStore or ClusterSecretStore manifest, got ${describe(obj)}`);
    return false;
  }
  const kind = obj.kind;
  if (typeof kind !== 'string' || !storeKinds.has(kind)) {
    problem(r, path, `${where}holds a ${typeof kind === 'string' ? kind : 'resource without kind'}; only SecretStore and ClusterSecretStore belong here`);
    return false;
  }
  if (typeof obj.apiVersion !== 'string' || !esoApiVersions.has(obj.apiVersion)) {
    problem(r, path, `${where}${kind} has apiVersion ${JSON.stringify(obj.apiVersion)}; expected external-secrets.io/v1 or external-secrets.io/v1beta1`);
    return false;
  }
  const md = obj.metadata;
  if (!isRecord(md) || typeof md.name !== 'string' || md.name === '') {
    problem(r, path, `${where}${kind} has no metadata.name`);
    return false;
  }
  return true;
}

function checkResource(path: string, obj: unknown, r: Reader): obj is KubeObject {
  if (isRecord(obj) && typeof obj.apiVersion === 'string' && typeof obj.kind === 'string' && isRecord(obj.metadata)) return true;
  problem(r, path, 'must be a Kubernetes manifest with apiVersion, kind and metadata');
  return false;
}

/** Reads each listed file or directory; `onItem` sees every manifest with a label naming its file. */
function readFiles(path: string, v: unknown, r: Reader, onItem: (item: Item, label: string) => void): void {
  readStringList(path, v, r).forEach((p, i) => {
    try {
      for (const file of readManifestPath(p, r.baseDir)) {
        file.items.forEach((item, j) => onItem(item, `${file.path} (document ${j + 1}): `));
      }
    } catch (e) {
      problem(r, `${path}[${i}]`, (e as Error).message);
    }
  });
}

/** The readers for each `spec` field; a field not in this table is an error. */
const specSections: Record<string, SectionReader> = {
  stores(v, r) {
    if (!Array.isArray(v)) return problem(r, 'spec.stores', `must be a list of store manifests, got ${describe(v)}`);
    v.forEach((s, i) => {
      if (checkStore(`spec.stores[${i}]`, s, r)) r.options.platformStores.push(s);
    });
  },
  storeFiles(v, r) {
    readFiles('spec.storeFiles', v, r, (item, label) => {
      if (checkStore('spec.storeFiles', item.object, r, label)) r.options.platformStores.push(item.object);
    });
  },
  resources(v, r) {
    if (!Array.isArray(v)) return problem(r, 'spec.resources', `must be a list of manifests, got ${describe(v)}`);
    v.forEach((o, i) => {
      if (checkResource(`spec.resources[${i}]`, o, r)) r.resources.push({ object: o });
    });
  },
  resourceFiles(v, r) {
    readFiles('spec.resourceFiles', v, r, (item) => r.resources.push(item));
  },
  credentialsDir(v, r) {
    if (typeof v !== 'string' || v.trim() === '') return problem(r, 'spec.credentialsDir', `must be a path, got ${describe(v)}`);
    r.options.credentialsDir = resolve(r.baseDir, v);
  },
  allowStreamCredentials: readBool('allowStreamCredentials'),
  keepStores: readBool('keepStores'),
  concurrency(v, r) {
    if (!isRecord(v)) return problem(r, 'spec.concurrency', `must be a mapping with perStore and/or global, got ${describe(v)}`);
    const c = { ...r.options.concurrency };
    for (const [k, x] of Object.entries(v)) {
      if (k !== 'perStore' && k !== 'global') {
        problem(r, `spec.concurrency.${k}`, 'unknown field; expected perStore or global');
        continue;
      }
      const n = readPositiveInt(`spec.concurrency.${k}`, x, r);
      if (n !== undefined) c[k] = n;
    }
    r.options.concurrency = c;
  },
  deadline(v, r) {
    if (typeof v !== 'string') return problem(r, 'spec.deadline', `must be a duration such as "50s" or "2m", got ${describe(v)}`);
    try {
      const ms = parseGoDuration(v);
      if (ms <= 0) return problem(r, 'spec.deadline', `must be longer than zero, got "${v}"`);
      r.options.deadlineMs = ms;
    } catch (e) {
      problem(r, 'spec.deadline', (e as Error).message);
    }
  },
  templateDelimiters(v, r) {
    if (!isRecord(v)) return problem(r, 'spec.templateDelimiters', `must be a mapping with left and/or right, got ${describe(v)}`);
    const d = { ...r.options.delimiters };
    for (const [k, x] of Object.entries(v)) {
      if (k !== 'left' && k !== 'right') {
        problem(r, `spec.templateDelimiters.${k}`, 'unknown field; expected left or right');
        continue;
      }
      if (typeof x !== 'string' || x === '') problem(r, `spec.templateDelimiters.${k}`, `must be a non-empty string, got ${describe(x)}`);
      else d[k] = x;
    }
    r.options.delimiters = d;
  },
  policy(v, r) {
    const policy = readPolicy(v, (path, message) => problem(r, path, message));
    if (policy) r.options.policy = policy;
  },
  rollout(v, r) {
    if (!isRecord(v)) return problem(r, 'spec.rollout', `must be a mapping with onChange, got ${describe(v)}`);
    for (const [k, x] of Object.entries(v)) {
      if (k !== 'onChange') problem(r, `spec.rollout.${k}`, 'unknown field; expected onChange');
      else if (typeof x !== 'boolean') problem(r, 'spec.rollout.onChange', `must be true or false, got ${describe(x)}`);
      else r.options.rolloutOnChange = x;
    }
  },
  platformKeyFile(v, r) {
    if (typeof v !== 'string' || v.trim() === '') return problem(r, 'spec.platformKeyFile', `must be a path, got ${describe(v)}`);
    try {
      r.options.platformKey = readPlatformKey(resolve(r.baseDir, v), r.fieldName('spec.platformKeyFile'));
    } catch (e) {
      problem(r, 'spec.platformKeyFile', (e as Error).message.replace(/^[^:]+: /, ''));
    }
  },
  seal(v, r) {
    const seal = readSealSection(v, r.baseDir, (path, message) => problem(r, path, message));
    if (seal) r.options.seal = seal;
  },
  controllerClass(v, r) {
    const c = readControllerClass(v);
    if ('error' in c) problem(r, 'spec.controllerClass', c.error);
    else r.options.controllerClass = c.value;
  },
  limits(v, r) {
    const limits = readLimits(v, (path, message) => problem(r, path, message));
    if (limits) r.options.limits = limits;
  },
  build(v, r) {
    const build = readBuildSection(v, (path, message) => problem(r, path, message));
    if (build) r.options.build = build;
  },
  unmasked(v, r) {
    const unmasked = readUnmaskedSection(v, (path, message) => problem(r, path, message));
    if (unmasked) r.options.unmasked = unmasked;
  },
  webhook(v, r) {
    const webhook = readWebhookSection(v, (path, message) => problem(r, path, message));
    if (webhook) r.options.webhook = webhook;
  },
};

// ServiceAccounts, Namespaces and generators the platform declares (src/config/platform-section.ts).
for (const sec of platformResourceSections) {
  const accept = (path: string, obj: unknown, r: Reader, where = ''): void => {
    if (!isRecord(obj)) return problem(r, path, `${where}must be one of ${sec.what}, got ${describe(obj)}`);
    const why = sec.check(obj as KubeObject);
    if (why) problem(r, path, `${where}${why}`);
    else sec.add(r.options, obj as KubeObject);
  };
  specSections[sec.field] = (v, r) => {
    if (!Array.isArray(v)) return problem(r, `spec.${sec.field}`, `must be a list of ${sec.what}, got ${describe(v)}`);
    v.forEach((o, i) => accept(`spec.${sec.field}[${i}]`, o, r));
  };
  specSections[sec.files] = (v, r) => readFiles(`spec.${sec.files}`, v, r, (item, label) => accept(`spec.${sec.files}`, item.object, r, label));
}

const topLevelFields = new Set(['apiVersion', 'kind', 'metadata', 'spec']);

function readSpec(spec: Record<string, unknown>, r: Reader): void {
  for (const [k, v] of Object.entries(spec)) {
    const section = specSections[k];
    if (!section) {
      problem(r, `spec.${k}`, `unknown field; known fields are ${Object.keys(specSections).join(', ')}`);
      continue;
    }
    section(v, r);
  }
}

/**
 * Reads a function config object (a RenderConfig, a ConfigMap with string data, or nothing) into
 * RenderOptions. Relative paths are resolved against `baseDir`; files are read here.
 */
export function loadRenderConfig(obj: unknown, baseDir: string): LoadedRenderConfig {
  const options = freshOptions(baseDir);
  const out: LoadedRenderConfig = { options, problems: [], resources: [] };
  // kpt fn eval without --fn-config and without arguments still sends an (empty) ConfigMap; no config at all is fine.
  if (obj === undefined || obj === null) return out;
  const r: Reader = { ...out, baseDir, ref: undefined, fieldName: (p) => p };
  if (!isRecord(obj)) {
    r.problems.push({ severity: 'error', message: `the function config must be a ${RENDER_CONFIG_KIND} or a ConfigMap, got ${describe(obj)}` });
    return out;
  }
  const md = isRecord(obj.metadata) ? obj.metadata : {};
  r.ref = {
    apiVersion: String(obj.apiVersion ?? ''),
    kind: String(obj.kind ?? ''),
    name: String(md.name ?? ''),
    ...(typeof md.namespace === 'string' ? { namespace: md.namespace } : {}),
  };
  if (obj.kind === 'ConfigMap' && (obj.apiVersion === 'v1' || obj.apiVersion === undefined)) {
    readConfigMap(obj, r);
    return out;
  }
  if (obj.kind !== RENDER_CONFIG_KIND || obj.apiVersion !== RENDER_CONFIG_API_VERSION) {
    r.problems.push({
      severity: 'error',
      resourceRef: r.ref,
      message: `unsupported function config ${String(obj.apiVersion)}/${String(obj.kind)}; use apiVersion ${RENDER_CONFIG_API_VERSION}, kind ${RENDER_CONFIG_KIND} (or a ConfigMap)`,
    });
    return out;
  }
  for (const k of Object.keys(obj)) {
    if (!topLevelFields.has(k)) problem(r, k, 'unknown field; a RenderConfig has apiVersion, kind, metadata and spec');
  }
  if (obj.spec === undefined || obj.spec === null) return out;
  if (!isRecord(obj.spec)) {
    problem(r, 'spec', `must be a mapping, got ${describe(obj.spec)}`);
    return out;
  }
  readSpec(obj.spec, r);
  return out;
}

/** How each ConfigMap data key maps onto the RenderConfig spec, and how its string is read. */
const configMapKeys: Record<string, { spec: string; type: 'string' | 'list' | 'bool' | 'int' | 'manifests' | 'mapping' }> = {
  stores: { spec: 'stores', type: 'manifests' },
  storeFiles: { spec: 'storeFiles', type: 'list' },
  resources: { spec: 'resources', type: 'manifests' },
  resourceFiles: { spec: 'resourceFiles', type: 'list' },
  credentialsDir: { spec: 'credentialsDir', type: 'string' },
  allowStreamCredentials: { spec: 'allowStreamCredentials', type: 'bool' },
  keepStores: { spec: 'keepStores', type: 'bool' },
  concurrencyPerStore: { spec: 'concurrency.perStore', type: 'int' },
  concurrencyGlobal: { spec: 'concurrency.global', type: 'int' },
  deadline: { spec: 'deadline', type: 'string' },
  templateLeftDelimiter: { spec: 'templateDelimiters.left', type: 'string' },
  templateRightDelimiter: { spec: 'templateDelimiters.right', type: 'string' },
  rolloutOnChange: { spec: 'rollout.onChange', type: 'bool' },
  policy: { spec: 'policy', type: 'mapping' },
  serviceAccounts: { spec: 'serviceAccounts', type: 'manifests' },
  serviceAccountFiles: { spec: 'serviceAccountFiles', type: 'list' },
  namespaces: { spec: 'namespaces', type: 'manifests' },
  namespaceFiles: { spec: 'namespaceFiles', type: 'list' },
  generators: { spec: 'generators', type: 'manifests' },
  generatorFiles: { spec: 'generatorFiles', type: 'list' },
  platformKeyFile: { spec: 'platformKeyFile', type: 'string' },
  seal: { spec: 'seal', type: 'mapping' },
  controllerClass: { spec: 'controllerClass', type: 'string' },
  limits: { spec: 'limits', type: 'mapping' },
  build: { spec: 'build', type: 'mapping' },
  unmasked: { spec: 'unmasked', type: 'mapping' },
  webhook: { spec: 'webhook', type: 'mapping' },
};

export const configMapDataKeys = Object.keys(configMapKeys);

function readConfigMap(obj: Record<string, unknown>, r: Reader): void {
  const specToKey = new Map(Object.entries(configMapKeys).map(([k, d]) => [`spec.${d.spec}`, k]));
  r.fieldName = (p) => {
    // spec.storeFiles[2] → data.storeFiles; spec.concurrency.perStore → data.concurrencyPerStore
    for (const [specPath, key] of specToKey) if (p === specPath || p.startsWith(`${specPath}[`)) return `data.${key}`;
    const top = p.replace(/^spec\.([^.[]+).*$/, 'spec.$1');
    return specToKey.has(top) ? `data.${specToKey.get(top)}` : p;
  };
  for (const k of Object.keys(obj)) {
    if (!['apiVersion', 'kind', 'metadata', 'data'].includes(k)) {
      r.problems.push({ severity: 'error', resourceRef: r.ref, field: { path: k }, message: 'unknown field; a ConfigMap function config carries its settings in data' });
    }
  }
  const data = obj.data ?? {};
  if (!isRecord(data)) {
    r.problems.push({ severity: 'error', resourceRef: r.ref, field: { path: 'data' }, message: `must be a mapping, got ${describe(data)}` });
    return;
  }
  const spec: Record<string, unknown> = {};
  const setPath = (p: string, v: unknown) => {
    const [a, b] = p.split('.') as [string, string | undefined];
    if (b === undefined) spec[a] = v;
    else spec[a] = { ...(isRecord(spec[a]) ? spec[a] : {}), [b]: v };
  };
  for (const [key, raw] of Object.entries(data)) {
    const d = configMapKeys[key];
    const field = `data.${key}`;
    const fail = (m: string) => r.problems.push({ severity: 'error', resourceRef: r.ref, field: { path: field }, message: m });
    if (!d) {
      fail(`unknown key; known keys are ${configMapDataKeys.join(', ')}`);
      continue;
    }
    // kpt sends strings; a hand-written ConfigMap may hold an unquoted true or 4.
    if (raw !== null && typeof raw === 'object') {
      fail(`must be a string, got ${describe(raw)}`);
      continue;
    }
    const s = String(raw ?? '').trim();
    switch (d.type) {
      case 'string':
        setPath(d.spec, s);
        break;
      case 'list':
        setPath(d.spec, s.split(',').map((x) => x.trim()).filter((x) => x !== ''));
        break;
      case 'bool':
        if (s === 'true' || s === 'false') setPath(d.spec, s === 'true');
        else fail(`must be "true" or "false", got ${JSON.stringify(s)}`);
        break;
      case 'int':
        if (/^\d+$/.test(s)) setPath(d.spec, Number(s));
        else fail(`must be a whole number, got ${JSON.stringify(s)}`);
        break;
      case 'mapping':
        try {
          const doc = parseAllDocuments(s);
          const first = Array.isArray(doc) ? doc[0] : undefined;
          if (!first || doc.length !== 1) throw new Error('expected one YAML mapping');
          if (first.errors.length > 0) throw new Error(first.errors[0]!.message.split('\n')[0]);
          setPath(d.spec, first.toJS());
        } catch (e) {
          fail(`is not a YAML mapping: ${(e as Error).message}`);
        }
        break;
      case 'manifests':
        try {
          setPath(d.spec, parseAllDocuments(s).flatMap((doc) => {
            if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message.split('\n')[0]);
            const v = doc.toJS();
            return v === null || v === undefined ? [] : [v];
          }));
        } catch (e) {
          fail(`is not a YAML stream of manifests: ${(e as Error).message}`);
        }
        break;
    }
  }
  readSpec(spec, r);
}

/**
 * Reads a RenderConfig (or ConfigMap) from a file. Relative paths inside resolve against `baseDir`,
 * by default the file's folder; the legacy kustomize plugin passes the kustomization folder instead,
 * because kustomize hands it a copy of the config in a temporary file.
 */
export function readRenderConfigFile(path: string, baseDir: string = dirname(resolve(path))): LoadedRenderConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const out = loadRenderConfig(undefined, baseDir);
    out.problems.push({ severity: 'error', message: `cannot read the configuration file ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}` });
    return out;
  }
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  const bad = docs.find((d) => d.errors.length > 0);
  if (docs.length !== 1 || bad) {
    const out = loadRenderConfig(undefined, baseDir);
    const why = bad ? `is not valid YAML: ${bad.errors[0]!.message.split('\n')[0]}` : `holds ${docs.length} documents; expected exactly one ${RENDER_CONFIG_KIND}`;
    out.problems.push({ severity: 'error', message: `the configuration file ${path} ${why}`, file: { path } });
    return out;
  }
  return loadRenderConfig(docs[0]!.toJS(), baseDir);
}

/** The fields a RenderConfig `spec` may hold (schemas/renderconfig.schema.json must describe the same). */
export const renderConfigSpecFields = Object.keys(specSections);
