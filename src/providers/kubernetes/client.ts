// ESO's kubernetes SecretsClient (providers/v1/kubernetes/client.go, v2.9.0): Secrets of
// `remoteNamespace` read through the Kubernetes API. Every GET and LIST is cached per run, so many
// properties of one Secret cost one request.

import { NoSecretError, ProviderError } from '../types.js';
import type { FindRef, RemoteRef, SecretsClient } from '../types.js';
import { gjsonGet } from '../shared/gjson.js';
import { goJsonMarshal, goJsonString } from '../shared/json-map.js';
import { compileGoRegexp, type GoRegexp } from '../../common/go-regexp.js';
import { convertKeys } from '../shared/keys.js';
import { KubeHttp, KubePathError, KubeStatusError, KubeTransportError } from './http.js';
import { labelSelectorProblem } from './key-rules.js';

interface KubeSecret {
  name: string;
  data: Map<string, Buffer>;
  labels: Record<string, string> | null;
  annotations: Record<string, string> | null;
}

class KubeError extends Error {}

const utf8 = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** esutils.JSONMarshal: encoding/json without HTML escaping, sorted keys, no trailing newline. */
function jsonMarshal(v: unknown): string {
  return goJsonMarshal(v, { escapeHTML: false });
}

/** JSONMarshal of map[string]string built from Secret data (string(bytes)). */
function dataJson(s: KubeSecret): string {
  const keys = [...s.data.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return '{' + keys.map((k) => goJsonString(k, false) + ':' + goJsonString(utf8(s.data.get(k)!), false)).join(',') + '}';
}

export class KubernetesClient implements SecretsClient {
  private readonly gets = new Map<string, Promise<KubeSecret>>();
  private readonly lists = new Map<string, Promise<KubeSecret[]>>();

  constructor(
    private readonly http: KubeHttp,
    private readonly remoteNamespace: string,
    private readonly label: string,
    private readonly server: string,
  ) {}

  async getSecret(ref: RemoteRef): Promise<Uint8Array> {
    return this.edge(ref.key, async () => {
      const s = await this.get(ref.key, false);
      const fetch = ref.metadataPolicy === 'Fetch';
      if (!ref.property) {
        if (fetch) return Buffer.from(jsonMarshal({ annotations: s.annotations, labels: s.labels }), 'utf8');
        return Buffer.from(dataJson(s), 'utf8');
      }
      if (fetch) {
        const v = fromMetadata(s, ref.property);
        if (v === undefined) throw new KubeError(`property ${ref.property} does not exist in metadata of secret ${JSON.stringify(ref.key)}`);
        return v;
      }
      const v = fromData(s, ref.property);
      if (v === undefined) throw new KubeError(`property ${ref.property} does not exist in data of secret ${JSON.stringify(ref.key)}`);
      return v;
    });
  }

  async getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>> {
    return this.edge(ref.key, async () => {
      // Here (only) a missing Secret is ESO's NoSecretErr.
      const s = await this.get(ref.key, true);
      let tmp: Map<string, Uint8Array>;
      if (ref.metadataPolicy === 'Fetch') {
        tmp = new Map([
          ['labels', Buffer.from(jsonMarshal(s.labels), 'utf8')],
          ['annotations', Buffer.from(jsonMarshal(s.annotations), 'utf8')],
        ]);
      } else tmp = new Map(s.data);
      if (!ref.property) return tmp;
      return propertyMap(ref.key, ref.property, tmp);
    });
  }

  async getAllSecrets(ref: FindRef): Promise<Map<string, Uint8Array>> {
    return this.edge(ref.path ?? '', async () => {
      let items: KubeSecret[];
      if (ref.tags) {
        const problem = labelSelectorProblem(ref.tags);
        if (problem) throw new KubeError(`unable to validate selector tags: ${problem}`);
        const selector = Object.keys(ref.tags)
          .sort()
          .map((k) => `${k}=${ref.tags![k]}`)
          .join(',');
        items = await this.list(selector);
      } else if (ref.name) {
        let matcher: GoRegexp;
        try {
          matcher = compileGoRegexp(ref.name.regexp);
        } catch (e) {
          throw new KubeError(`could not compile find.name.regexp [${ref.name.regexp}]: ${(e as Error).message}`);
        }
        items = (await this.list('')).filter((s) => matcher.test(s.name));
      } else throw new KubeError('unexpected find operator');
      const out = new Map<string, Uint8Array>();
      for (const s of items) out.set(s.name, Buffer.from(dataJson(s), 'utf8'));
      try {
        return convertKeys(out, ref.conversionStrategy);
      } catch (e) {
        throw new KubeError((e as Error).message);
      }
    });
  }

  async close(): Promise<void> {
    this.http.close();
  }

  private async edge<T>(key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof NoSecretError || e instanceof ProviderError) throw e;
      const where = `${this.label} (kubernetes ${this.server}, namespace ${this.remoteNamespace})`;
      const k = `key ${JSON.stringify(key)}`;
      if (e instanceof KubeStatusError) throw new ProviderError(`${where}: ${k}: ${e.message}`, { retryable: e.retryable, code: e.reason || String(e.status) });
      if (e instanceof KubeTransportError) throw new ProviderError(`${where}: ${k}: cannot reach the Kubernetes API: ${e.message}`, { retryable: e.retryable, code: e.code });
      if (e instanceof KubePathError) throw new ProviderError(`${where}: ${k}: ${e.message}`, { code: 'PathEscape' });
      throw new ProviderError(`${where}: ${k}: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  private base(): string[] {
    return ['api', 'v1', 'namespaces', this.remoteNamespace, 'secrets'];
  }

  /** GET one Secret (cached). `noSecret`: a 404 is ESO's NoSecretErr (GetSecretMap) instead of the API's error. */
  private async get(name: string, noSecret: boolean): Promise<KubeSecret> {
    let p = this.gets.get(name);
    if (!p) {
      p = this.http.get([...this.base(), name], this.base()).then(toSecret);
      this.gets.set(name, p);
    }
    try {
      return await p;
    } catch (e) {
      if (noSecret && e instanceof KubeStatusError && e.status === 404) throw new NoSecretError(`Kubernetes: secret ${JSON.stringify(name)} not found in namespace ${this.remoteNamespace}`);
      throw e;
    }
  }

  private list(selector: string): Promise<KubeSecret[]> {
    let p = this.lists.get(selector);
    if (!p) {
      p = this.http.get(this.base(), this.base(), selector ? { labelSelector: selector } : undefined).then((body) => {
        const items = (body as { items?: unknown }).items;
        if (items !== null && items !== undefined && !Array.isArray(items)) throw new KubeError('the API server returned a SecretList without items');
        const secrets = ((items as unknown[]) ?? []).map(toSecret);
        // A later data[] of a listed Secret is served from the list.
        for (const s of secrets) if (!this.gets.has(s.name)) this.gets.set(s.name, Promise.resolve(s));
        return secrets;
      });
      this.lists.set(selector, p);
    }
    return p;
  }
}

function toSecret(body: unknown): KubeSecret {
  const o = (body ?? {}) as { metadata?: { name?: unknown; labels?: unknown; annotations?: unknown }; data?: unknown };
  const data = new Map<string, Buffer>();
  if (o.data && typeof o.data === 'object') {
    for (const [k, v] of Object.entries(o.data as Record<string, unknown>)) data.set(k, Buffer.from(typeof v === 'string' ? v : '', 'base64'));
  }
  const strMap = (m: unknown): Record<string, string> | null =>
    m && typeof m === 'object' ? Object.fromEntries(Object.entries(m as Record<string, unknown>).map(([k, v]) => [k, String(v)])) : null;
  return { name: typeof o.metadata?.name === 'string' ? o.metadata.name : '', data, labels: strMap(o.metadata?.labels), annotations: strMap(o.metadata?.annotations) };
}

/** getFromSecretData: the exact key, else `<key>.<gjson path>` into that key's JSON. */
function fromData(s: KubeSecret, property: string): Uint8Array | undefined {
  const v = s.data.get(property);
  if (v) return v;
  const idx = property.indexOf('.');
  if (idx <= 0 || idx === property.length - 1) return undefined;
  const inner = s.data.get(property.slice(0, idx));
  if (!inner) return undefined;
  const r = gjsonGet(inner, property.slice(idx + 1));
  return r.exists ? r.bytes : undefined;
}

/** getFromSecretMetadata: labels | annotations [. key [. gjson path, its segments joined without dots]]. */
function fromMetadata(s: KubeSecret, property: string): Uint8Array | undefined {
  const path = property.split('.');
  const md = path[0] === 'labels' ? s.labels : path[0] === 'annotations' ? s.annotations : undefined;
  if (md === undefined) return undefined;
  if (path.length === 1) return Buffer.from(jsonMarshal(md), 'utf8');
  const m = md ?? {};
  if (!Object.hasOwn(m, path[1]!)) return undefined;
  const v = m[path[1]!]!;
  if (path.length === 2) return Buffer.from(v, 'utf8');
  const r = gjsonGet(v, path.slice(2).join(''));
  return r.exists ? r.bytes : undefined;
}

/** getPropertyMap: the map as JSON (values base64), a gjson lookup, base64-decoded, as a JSON object. */
function propertyMap(key: string, property: string, tmp: Map<string, Uint8Array>): Map<string, Uint8Array> {
  const obj: Record<string, string> = {};
  for (const [k, v] of tmp) obj[k] = Buffer.from(v).toString('base64');
  const json = jsonMarshal(obj);
  const fromValues = (p: string): Map<string, Uint8Array> | undefined => {
    const r = gjsonGet(json, p);
    if (!r.exists) return undefined;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(r.str) || r.str.length % 4 !== 0) throw new KubeError('illegal base64 data in the selected property');
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(r.str, 'base64').toString('utf8'));
    } catch {
      throw new KubeError('failed to unmarshal secret: invalid JSON format');
    }
    if (parsed === null) return new Map();
    if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new KubeError('failed to unmarshal secret: invalid JSON format');
    const out = new Map<string, Uint8Array>();
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) out.set(k, Buffer.from(jsonMarshal(v), 'utf8'));
    return out;
  };
  if (property.includes('.')) {
    const m = fromValues(property.replaceAll('.', '\\.'));
    if (m) return m;
  }
  const m = fromValues(property);
  if (!m) throw new KubeError(`property ${property} does not exist in key ${key}`);
  return m;
}
