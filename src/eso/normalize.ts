// Reads an ExternalSecret object into the typed model: checks field types, applies the CRD defaults ESO
// relies on (eso-semantics §1.2–§1.5, §8 item 18) and reproduces the admission webhook's rules (§1.6).
// Every problem is reported with its field path; values are never quoted.

import { setKey } from '../common/records.js';
import type { KubeObject } from '../engine/types.js';
import type {
  CreationPolicy,
  DataEntry,
  DataFromEntry,
  DecodingStrategy,
  DeletionPolicy,
  ExternalSecret,
  FindSpec,
  RemoteRefSpec,
  Rewrite,
  StoreRef,
  TemplateFrom,
  TemplateFromItem,
  TemplateSpec,
} from './model.js';

export interface Problem {
  field: string;
  message: string;
}

type Obj = Record<string, unknown>;

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

class Reader {
  readonly problems: Problem[] = [];

  fail(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  obj(v: unknown, field: string, required = false): Obj | undefined {
    if (v === undefined || v === null) {
      if (required) this.fail(field, 'is required');
      return undefined;
    }
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.fail(field, `must be an object, not ${typeName(v)}`);
      return undefined;
    }
    return v as Obj;
  }

  list(v: unknown, field: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.fail(field, `must be a list, not ${typeName(v)}`);
      return [];
    }
    return v;
  }

  str(v: unknown, field: string, required = false): string | undefined {
    if (v === undefined || v === null) {
      if (required) this.fail(field, 'is required');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.fail(field, `must be a string, not ${typeName(v)}`);
      return undefined;
    }
    if (required && v === '') this.fail(field, 'must not be empty');
    return v;
  }

  bool(v: unknown, field: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') {
      this.fail(field, `must be a boolean, not ${typeName(v)}`);
      return undefined;
    }
    return v;
  }

  enumOf<T extends string>(v: unknown, field: string, allowed: readonly T[], dflt: T): T;
  enumOf<T extends string>(v: unknown, field: string, allowed: readonly T[]): T | undefined;
  enumOf<T extends string>(v: unknown, field: string, allowed: readonly T[], dflt?: T): T | undefined {
    const s = this.str(v, field);
    if (s === undefined || s === '') return dflt;
    if (!(allowed as readonly string[]).includes(s)) {
      this.fail(field, `unsupported value ${JSON.stringify(s)}: supported values are ${allowed.map((a) => `"${a}"`).join(', ')}`);
      return dflt;
    }
    return s as T;
  }

  stringMap(v: unknown, field: string): Record<string, string> | undefined {
    const o = this.obj(v, field);
    if (!o) return undefined;
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(o)) {
      const s = this.str(val, `${field}.${k}`);
      if (s !== undefined) setKey(out, k, s);
    }
    return out;
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

const DECODING = ['None', 'Base64', 'Base64URL', 'Auto'] as const;
const CONVERSION = ['Default', 'Unicode'] as const;

function readStoreRef(r: Reader, v: unknown, field: string): StoreRef | undefined {
  const o = r.obj(v, field);
  if (!o) return undefined;
  const name = r.str(o['name'], `${field}.name`) ?? '';
  if (name !== '' && (!DNS_SUBDOMAIN.test(name) || name.length > 253)) r.fail(`${field}.name`, 'must be a DNS-1123 subdomain');
  const kind = r.str(o['kind'], `${field}.kind`);
  if (kind !== undefined && kind !== '' && kind !== 'SecretStore' && kind !== 'ClusterSecretStore') {
    r.fail(`${field}.kind`, `unsupported value ${JSON.stringify(kind)}: supported values are "SecretStore", "ClusterSecretStore"`);
  }
  // ESO: only the exact value ClusterSecretStore is cluster-scoped.
  return { name, kind: kind === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore' };
}

function readRemoteRef(r: Reader, v: unknown, field: string): RemoteRefSpec | undefined {
  const o = r.obj(v, field, true);
  if (!o) return undefined;
  const key = r.str(o['key'], `${field}.key`, true) ?? '';
  const ref: RemoteRefSpec = {
    key,
    decodingStrategy: r.enumOf(o['decodingStrategy'], `${field}.decodingStrategy`, DECODING, 'None'),
    nullBytePolicy: r.enumOf(o['nullBytePolicy'], `${field}.nullBytePolicy`, ['Ignore', 'Fail'] as const, 'Ignore'),
  };
  const property = r.str(o['property'], `${field}.property`);
  if (property) ref.property = property;
  const version = r.str(o['version'], `${field}.version`);
  if (version) ref.version = version;
  const conv = r.enumOf(o['conversionStrategy'], `${field}.conversionStrategy`, CONVERSION);
  if (conv) ref.conversionStrategy = conv;
  const meta = r.enumOf(o['metadataPolicy'], `${field}.metadataPolicy`, ['None', 'Fetch'] as const);
  if (meta) ref.metadataPolicy = meta;
  return ref;
}

function readFind(r: Reader, v: unknown, field: string): FindSpec | undefined {
  const o = r.obj(v, field);
  if (!o) return undefined;
  const find: FindSpec = {
    decodingStrategy: r.enumOf(o['decodingStrategy'], `${field}.decodingStrategy`, DECODING, 'None'),
    nullBytePolicy: r.enumOf(o['nullBytePolicy'], `${field}.nullBytePolicy`, ['Ignore', 'Fail'] as const, 'Ignore'),
  };
  const path = r.str(o['path'], `${field}.path`);
  if (path) find.path = path;
  const name = r.obj(o['name'], `${field}.name`);
  if (name) {
    const re = r.str(name['regexp'], `${field}.name.regexp`);
    if (re !== undefined) find.name = { regexp: re };
  }
  const tags = r.stringMap(o['tags'], `${field}.tags`);
  if (tags) find.tags = tags;
  const conv = r.enumOf(o['conversionStrategy'], `${field}.conversionStrategy`, CONVERSION);
  if (conv) find.conversionStrategy = conv;
  return find;
}

function readRewrites(r: Reader, v: unknown, field: string): Rewrite[] {
  const out: Rewrite[] = [];
  r.list(v, field).forEach((item, i) => {
    const f = `${field}[${i}]`;
    const o = r.obj(item, f, true);
    if (!o) return;
    const set = ['regexp', 'transform', 'merge'].filter((k) => o[k] !== undefined && o[k] !== null);
    if (set.length !== 1) {
      r.fail(f, 'exactly one of regexp, transform or merge must be set');
      return;
    }
    if (set[0] === 'regexp') {
      const re = r.obj(o['regexp'], `${f}.regexp`, true);
      if (!re) return;
      const source = r.str(re['source'], `${f}.regexp.source`, true) ?? '';
      const target = r.str(re['target'], `${f}.regexp.target`) ?? '';
      out.push({ regexp: { source, target } });
    } else if (set[0] === 'transform') {
      const t = r.obj(o['transform'], `${f}.transform`, true);
      if (!t) return;
      out.push({ transform: { template: r.str(t['template'], `${f}.transform.template`, true) ?? '' } });
    } else {
      const m = r.obj(o['merge'], `${f}.merge`) ?? {};
      const merge: RewriteMerge['merge'] = {};
      const into = r.str(m['into'], `${f}.merge.into`);
      if (into !== undefined) merge.into = into;
      const pr = r.list(m['priority'], `${f}.merge.priority`).map((p, j) => r.str(p, `${f}.merge.priority[${j}]`) ?? '');
      if (pr.length) merge.priority = pr;
      const pp = r.enumOf(m['priorityPolicy'], `${f}.merge.priorityPolicy`, ['Strict', 'IgnoreNotFound'] as const);
      if (pp) merge.priorityPolicy = pp;
      const cp = r.enumOf(m['conflictPolicy'], `${f}.merge.conflictPolicy`, ['Error', 'Ignore'] as const);
      if (cp) merge.conflictPolicy = cp;
      const st = r.enumOf(m['strategy'], `${f}.merge.strategy`, ['Extract', 'JSON'] as const);
      if (st) merge.strategy = st;
      out.push({ merge });
    }
  });
  return out;
}
type RewriteMerge = Extract<Rewrite, { merge: unknown }>;

function readTemplateItems(r: Reader, v: unknown, field: string): TemplateFromItem[] {
  return r.list(v, field).flatMap((it, i) => {
    const o = r.obj(it, `${field}[${i}]`, true);
    if (!o) return [];
    const key = r.str(o['key'], `${field}[${i}].key`, true) ?? '';
    const templateAs = r.enumOf(o['templateAs'], `${field}[${i}].templateAs`, ['Values', 'KeysAndValues'] as const, 'Values');
    return [{ key, templateAs }];
  });
}

function readTemplate(r: Reader, v: unknown, field: string): TemplateSpec | undefined {
  const o = r.obj(v, field);
  if (!o) return undefined;
  const engineVersion = r.str(o['engineVersion'], `${field}.engineVersion`);
  if (engineVersion !== undefined && engineVersion !== '' && engineVersion !== 'v2') {
    r.fail(`${field}.engineVersion`, engineVersion === 'v1'
      ? 'unsupported template engine version: v1 (removed from ESO): write engineVersion: v2, or leave it out, and use v2 syntax ({{ .key }}; v1\'s {{ .key | toString }} is not needed)'
      : `unsupported template engine version: ${engineVersion}`);
  }
  const t: TemplateSpec = {
    engineVersion: 'v2',
    mergePolicy: r.enumOf(o['mergePolicy'], `${field}.mergePolicy`, ['Replace', 'Merge'] as const, 'Replace'),
    templateFrom: [],
  };
  const type = r.str(o['type'], `${field}.type`);
  if (type) t.type = type;
  const md = r.obj(o['metadata'], `${field}.metadata`);
  if (md) {
    t.metadata = {};
    const labels = r.stringMap(md['labels'], `${field}.metadata.labels`);
    if (labels) t.metadata.labels = labels;
    const ann = r.stringMap(md['annotations'], `${field}.metadata.annotations`);
    if (ann) t.metadata.annotations = ann;
    const fin = r.list(md['finalizers'], `${field}.metadata.finalizers`).map((x, i) => r.str(x, `${field}.metadata.finalizers[${i}]`) ?? '');
    if (fin.length) t.metadata.finalizers = fin;
  }
  const data = r.stringMap(o['data'], `${field}.data`);
  if (data) t.data = data;
  r.list(o['templateFrom'], `${field}.templateFrom`).forEach((it, i) => {
    const f = `${field}.templateFrom[${i}]`;
    const tf = r.obj(it, f, true);
    if (!tf) return;
    const target = r.str(tf['target'], `${f}.target`) || 'Data';
    if (!['data', 'annotations', 'labels'].includes(target.toLowerCase())) {
      r.fail(`${f}.target`, `unsupported target ${JSON.stringify(target)} for a Secret: supported are Data, Annotations, Labels`);
    }
    const item: TemplateFrom = { target };
    const vds = r.enumOf(tf['valuesDecodingStrategy'], `${f}.valuesDecodingStrategy`, DECODING);
    if (vds) item.valuesDecodingStrategy = vds;
    for (const src of ['configMap', 'secret'] as const) {
      const so = r.obj(tf[src], `${f}.${src}`);
      if (so) item[src] = { name: r.str(so['name'], `${f}.${src}.name`, true) ?? '', items: readTemplateItems(r, so['items'], `${f}.${src}.items`) };
    }
    const lit = r.str(tf['literal'], `${f}.literal`);
    if (lit !== undefined) item.literal = lit;
    t.templateFrom.push(item);
  });
  return t;
}

/** Read and default an ExternalSecret; `defaultNamespace` is used when the object names none. */
export function readExternalSecret(obj: KubeObject, defaultNamespace: string): { es?: ExternalSecret; problems: Problem[] } {
  const r = new Reader();
  const md = r.obj(obj.metadata, 'metadata', true) ?? {};
  const name = r.str(md['name'], 'metadata.name', true) ?? '';
  const nsRaw = r.str(md['namespace'], 'metadata.namespace');
  const labels = r.stringMap(md['labels'], 'metadata.labels') ?? {};
  const annotations = r.stringMap(md['annotations'], 'metadata.annotations') ?? {};
  const spec = r.obj(obj['spec'], 'spec', true) ?? {};

  const secretStoreRef = readStoreRef(r, spec['secretStoreRef'], 'spec.secretStoreRef');
  const to = r.obj(spec['target'], 'spec.target') ?? {};
  const creationPolicy = r.enumOf<CreationPolicy>(
    to['creationPolicy'], 'spec.target.creationPolicy', ['Owner', 'Orphan', 'Merge', 'None', 'CreateOrMerge'], 'Owner');
  const deletionPolicy = r.enumOf<DeletionPolicy>(to['deletionPolicy'], 'spec.target.deletionPolicy', ['Delete', 'Merge', 'Retain'], 'Retain');
  const targetName = r.str(to['name'], 'spec.target.name');
  const immutable = r.bool(to['immutable'], 'spec.target.immutable') ?? false;
  const template = readTemplate(r, to['template'], 'spec.target.template');
  if (to['manifest'] !== undefined) {
    r.fail('spec.target.manifest', 'generic targets are not supported by eso-render (ESO needs --unsafe-allow-generic-targets for them)');
  }

  const data: DataEntry[] = [];
  r.list(spec['data'], 'spec.data').forEach((it, i) => {
    const f = `spec.data[${i}]`;
    const o = r.obj(it, f, true);
    if (!o) return;
    const secretKey = r.str(o['secretKey'], `${f}.secretKey`, true) ?? '';
    if (secretKey && (!SECRET_KEY.test(secretKey) || secretKey.length > 253)) {
      r.fail(`${f}.secretKey`, 'must match ^[-._a-zA-Z0-9]+$ and be at most 253 characters');
    }
    const remoteRef = readRemoteRef(r, o['remoteRef'], `${f}.remoteRef`);
    const src = r.obj(o['sourceRef'], `${f}.sourceRef`);
    let storeRef: StoreRef | undefined;
    if (src) {
      if (src['generatorRef'] !== undefined) r.fail(`${f}.sourceRef.generatorRef`, 'generatorRef in spec.data is deprecated and not implemented; use spec.dataFrom');
      storeRef = readStoreRef(r, src['storeRef'], `${f}.sourceRef.storeRef`);
    }
    if (remoteRef) data.push(storeRef ? { secretKey, remoteRef, storeRef } : { secretKey, remoteRef });
  });

  const dataFrom: DataFromEntry[] = [];
  r.list(spec['dataFrom'], 'spec.dataFrom').forEach((it, i) => {
    const f = `spec.dataFrom[${i}]`;
    const o = r.obj(it, f, true);
    if (!o) return;
    const src = r.obj(o['sourceRef'], `${f}.sourceRef`);
    const hasGen = !!src && src['generatorRef'] !== undefined && src['generatorRef'] !== null;
    const set = [o['extract'] != null, o['find'] != null, hasGen].filter(Boolean).length;
    if (set > 1) r.fail(f, 'extract, find, or generatorRef cannot be set at the same time');
    if (set === 0) r.fail(f, 'either extract, find, or sourceRef must be set to dataFrom');
    const entry: DataFromEntry = { rewrite: readRewrites(r, o['rewrite'], `${f}.rewrite`) };
    if (o['extract'] != null) {
      const ex = readRemoteRef(r, o['extract'], `${f}.extract`);
      if (ex) entry.extract = ex;
    }
    if (o['find'] != null) {
      const fd = readFind(r, o['find'], `${f}.find`);
      if (fd) entry.find = fd;
    }
    if (src) {
      if (src['storeRef'] != null) entry.storeRef = readStoreRef(r, src['storeRef'], `${f}.sourceRef.storeRef`);
      if (hasGen) {
        const g = r.obj(src['generatorRef'], `${f}.sourceRef.generatorRef`) ?? {};
        entry.generatorRef = {
          apiVersion: r.str(g['apiVersion'], `${f}.sourceRef.generatorRef.apiVersion`) || 'generators.external-secrets.io/v1alpha1',
          kind: r.str(g['kind'], `${f}.sourceRef.generatorRef.kind`, true) ?? '',
          name: r.str(g['name'], `${f}.sourceRef.generatorRef.name`, true) ?? '',
        };
      }
    }
    dataFrom.push(entry);
  });

  // Admission webhook rules (apis/externalsecrets/v1/externalsecret_validator.go).
  const rawData = Array.isArray(spec['data']) ? spec['data'] : [];
  const rawDataFrom = Array.isArray(spec['dataFrom']) ? spec['dataFrom'] : [];
  if (rawData.length === 0 && rawDataFrom.length === 0) r.fail('spec', 'either data or dataFrom should be specified');
  if (deletionPolicy === 'Delete' && ['Merge', 'None', 'CreateOrMerge'].includes(creationPolicy)) {
    r.fail('spec.target.deletionPolicy', `deletionPolicy=Delete must not be used with creationPolicy=${creationPolicy}`);
  }
  if (deletionPolicy === 'Merge' && creationPolicy === 'None') {
    r.fail('spec.target.deletionPolicy', 'deletionPolicy=Merge must not be used with creationPolicy=None');
  }
  if (deletionPolicy === 'Retain') {
    const seen = new Set<string>();
    data.forEach((d, i) => {
      if (seen.has(d.secretKey)) r.fail(`spec.data[${i}].secretKey`, `duplicate secretKey found: ${d.secretKey}`);
      seen.add(d.secretKey);
    });
  }
  if (!secretStoreRef?.name) {
    data.forEach((d, i) => {
      if (!d.storeRef?.name) r.fail(`spec.data[${i}]`, 'no store: set spec.secretStoreRef or sourceRef.storeRef');
    });
    dataFrom.forEach((d, i) => {
      if (!d.storeRef?.name && !d.generatorRef) r.fail(`spec.dataFrom[${i}]`, 'no store: set spec.secretStoreRef or sourceRef.storeRef');
    });
  }
  if (template) {
    for (const p of validateSecretTemplate(template)) r.fail(p.field, p.message);
  }

  if (r.problems.length) return { problems: r.problems };
  const es: ExternalSecret = {
    name,
    namespace: nsRaw || defaultNamespace,
    explicitNamespace: !!nsRaw,
    labels,
    annotations,
    object: obj,
    apiVersion: String(obj.apiVersion),
    spec: {
      target: { creationPolicy, deletionPolicy, immutable, ...(targetName ? { name: targetName } : {}), ...(template ? { template } : {}) },
      data,
      dataFrom,
      ...(secretStoreRef?.name ? { secretStoreRef } : {}),
    },
  };
  return { es, problems: [] };
}

/** esv1.ValidateSecretTemplate: privileged Secret types are refused. */
export function validateSecretTemplate(t: TemplateSpec): Problem[] {
  const out: Problem[] = [];
  if (t.type === 'bootstrap.kubernetes.io/token') {
    out.push({ field: 'spec.target.template.type', message: 'secret type bootstrap.kubernetes.io/token is not allowed' });
  }
  if (t.type === 'kubernetes.io/service-account-token') {
    const ann = t.metadata?.annotations ?? {};
    const annTarget = t.templateFrom.some((tf) => tf.target.toLowerCase() === 'annotations');
    if (Object.hasOwn(ann, 'kubernetes.io/service-account.name') || annTarget) {
      out.push({
        field: 'spec.target.template.type',
        message: 'secret type kubernetes.io/service-account-token with a service-account.name annotation is not allowed',
      });
    }
  }
  return out;
}

export type { DecodingStrategy };
