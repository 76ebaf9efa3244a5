// ESO's Vault SecretsClient over KV v1/v2 (providers/v1/vault/client_get*.go): reads, property lookup,
// extract, metadata, find. Every backend read is cached per run, so many properties of one path cost
// one request.

import { compileGoRegexp, type GoRegexp } from '../../common/go-regexp.js';
import { NoSecretError, ProviderError } from '../types.js';
import type { FindRef, RemoteRef, SecretsClient } from '../types.js';
import { gjsonGet } from '../shared/gjson.js';
import { VaultConnection } from './connection.js';
import { VaultAuthError } from './auth.js';
import { VaultHttpError, VaultPathError, VaultTransportError, asSecret, secretData } from './http.js';
import { GoObject, GoValue, goByteValue, goMarshal, goSprintV, isGoObject, parseGoJson, JsonSyntaxError } from '../shared/go-json.js';
import { PathConfig, buildMetadataPath, buildPath, mountPrefix } from './paths.js';

const SYSTEM_METADATA_KEYS = ['created_time', 'current_version', 'delete_version_after'];

/** A failure of ESO's code path that is not a NoSecretErr; turned into a ProviderError at the edge. */
class KvError extends Error {
  constructor(message: string, readonly path?: string, readonly retryable = false) {
    super(message);
  }
}

export class VaultKvClient implements SecretsClient {
  private readonly reads = new Map<string, Promise<GoObject>>();
  private readonly metadata = new Map<string, Promise<Map<string, string>>>();
  private readonly lists = new Map<string, Promise<string[]>>();
  private readonly cfg: PathConfig;

  constructor(
    private readonly conn: VaultConnection,
    private readonly storeLabel: string,
  ) {
    this.cfg = { version: conn.spec.version, ...(conn.spec.path !== undefined ? { mount: conn.spec.path } : {}) };
  }

  async getSecret(ref: RemoteRef): Promise<Uint8Array> {
    return this.edge(ref.key, async () => {
      let data: GoObject;
      if (ref.metadataPolicy === 'Fetch') {
        if (this.cfg.version === 'v1') throw new KvError('cannot perform metadata fetch operations with kv version v1');
        const md = await this.readMetadata(ref.key);
        // ESO returns a nil value for empty metadata.
        if (md.size === 0) return new Uint8Array();
        data = new Map([...md].map(([k, v]) => [k, v] as [string, GoValue]));
      } else {
        data = await this.readSecret(ref.key, ref.version);
      }
      return secretValue(data, ref.property);
    });
  }

  async getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>> {
    const bytes = await this.getSecret(ref);
    return this.edge(ref.key, async () => {
      // ESO unmarshals the value into map[string]any: numbers become float64 and are re-formatted.
      let v: GoValue;
      try {
        v = parseGoJson(Buffer.from(bytes).toString('utf8'), 'float');
      } catch (e) {
        if (e instanceof JsonSyntaxError) throw new KvError(`the value is not a JSON object: ${e.message}`);
        throw e;
      }
      const out = new Map<string, Uint8Array>();
      if (v === null) return out; // json.Unmarshal of `null` leaves the map empty
      if (!isGoObject(v)) throw new KvError(`json: cannot unmarshal ${goKind(v)} into Go value of type map[string]interface {}`);
      for (const [k, x] of v) out.set(k, goByteValue(x));
      return out;
    });
  }

  async getAllSecrets(ref: FindRef): Promise<Map<string, Uint8Array>> {
    return this.edge(ref.path ?? '', async () => {
      if (this.cfg.version === 'v1' && ref.tags) throw new KvError('cannot perform find by tag operations with kv version v1');
      const searchPath = ref.path !== undefined ? ref.path + '/' : '';
      const candidates = await this.listSecrets(searchPath);
      const out = new Map<string, Uint8Array>();
      let matches: (name: string) => Promise<boolean>;
      if (ref.name) {
        let re: GoRegexp;
        try {
          re = compileGoRegexp(ref.name.regexp);
        } catch {
          throw new KvError(`could not compile find.name.regexp ${JSON.stringify(ref.name.regexp)}`);
        }
        matches = async (n) => re.test(n);
      } else {
        const tags = ref.tags ?? {};
        matches = async (n) => {
          const md = await this.readMetadata(n);
          return Object.entries(tags).every(([k, v]) => md.get(k) === v);
        };
      }
      // Sequential like ESO, but reads are cached, so a later data[] of the same key costs nothing.
      const results = await Promise.all(
        candidates.map(async (name) => {
          if (!(await matches(name))) return undefined;
          try {
            const data = await this.readSecret(name, undefined);
            return [name, secretValue(data, undefined)] as const;
          } catch (e) {
            if (e instanceof NoSecretError) return undefined;
            throw e;
          }
        }),
      );
      for (const r of results) if (r) out.set(r[0], r[1]);
      return out;
    });
  }

  async close(): Promise<void> {
    this.conn.close();
  }

  /** Run `fn` and turn what it throws into ESO's NoSecretError or a ProviderError naming store and key. */
  private async edge<T>(key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.wrap(e, key);
    }
  }

  private wrap(e: unknown, key: string): Error {
    if (e instanceof NoSecretError || e instanceof ProviderError) return e;
    const where = `${this.storeLabel} (vault ${this.conn.spec.server})`;
    if (e instanceof VaultAuthError) return new ProviderError(`${where}: ${e.message}`, { code: 'VaultAuth' });
    if (e instanceof KvError) {
      const p = e.path ? ` path "${e.path}"` : '';
      return new ProviderError(`${where}: key "${key}"${p}: ${e.message}`, { retryable: e.retryable });
    }
    if (e instanceof VaultPathError) return new ProviderError(`${where}: key "${key}": ${e.message}`, { code: 'PathEscape' });
    if (e instanceof VaultTransportError) {
      return new ProviderError(`${where}: key "${key}": cannot reach Vault: ${e.message}`, { retryable: e.retryable, code: e.code });
    }
    return new ProviderError(`${where}: key "${key}": ${(e as Error)?.message ?? String(e)}`);
  }

  private async call(method: 'GET' | 'LIST', path: string, kind: 'data' | 'metadata', query?: Record<string, string>) {
    try {
      return await this.conn.request({ method, path, under: mountPrefix(this.cfg, path, kind), ...(query ? { query } : {}) });
    } catch (e) {
      if (e instanceof VaultHttpError) {
        const what = method === 'LIST' ? 'cannot list secrets in Vault' : 'cannot read secret data from Vault';
        throw new KvError(`${what}: ${describeVaultError(e)}`, path, e.retryable);
      }
      throw e;
    }
  }

  /** KV read of one (key, version): cached, so concurrent and repeated callers share one request. */
  private readSecret(key: string, version: string | undefined): Promise<GoObject> {
    const path = buildPath(this.cfg, key);
    const cacheKey = version ? `${path}?version=${version}` : path;
    let p = this.reads.get(cacheKey);
    if (!p) {
      p = this.fetchSecret(path, version);
      this.reads.set(cacheKey, p);
    }
    return p;
  }

  private async fetchSecret(path: string, version: string | undefined): Promise<GoObject> {
    const res = await this.call('GET', path, 'data', version ? { version } : undefined);
    const secret = asSecret(res);
    if (!secret) throw new NoSecretError(`Vault: not found (404) at ${path}, vault ${this.conn.spec.server}`);
    const raw = secret.get('data');
    const data = isGoObject(raw) ? raw : new Map<string, GoValue>();
    // v1: a response without data (`"data": null`) is ESO's nil map, "secret does not exist".
    if (this.cfg.version === 'v1') {
      if (!isGoObject(raw)) throw new NoSecretError(`Vault: no data at ${path}, vault ${this.conn.spec.server}`);
      return data;
    }
    // KV v2 wraps the secret in data.data; null there is a deleted or destroyed version.
    if (!data.has('data')) throw new KvError('failed to find data field', path);
    const inner = data.get('data');
    if (inner === null) throw new NoSecretError(`Vault: version ${version ?? 'current'} deleted or destroyed at ${path}, vault ${this.conn.spec.server}`);
    if (!isGoObject(inner)) throw new KvError('failed to unmarshall JSON', path);
    return inner;
  }

  /** KV v2 metadata as ESO flattens it: system keys, then custom_metadata over them. */
  private readMetadata(key: string): Promise<Map<string, string>> {
    let path: string;
    try {
      path = buildMetadataPath(this.cfg, key);
    } catch (e) {
      return Promise.reject(new KvError((e as Error).message));
    }
    let p = this.metadata.get(path);
    if (!p) {
      p = (async () => {
        const res = await this.call('GET', path, 'metadata');
        const secret = asSecret(res);
        if (!secret) throw new KvError('secret not found', path);
        const data = secretData(secret);
        const out = new Map<string, string>();
        if (this.cfg.version === 'v2') {
          for (const k of SYSTEM_METADATA_KEYS) {
            const v = data.get(k);
            if (v !== undefined && v !== null) out.set(k, goSprintV(v));
          }
        }
        const custom = data.get('custom_metadata');
        if (isGoObject(custom)) for (const [k, v] of custom) out.set(k, typeof v === 'string' ? v : goSprintV(v));
        return out;
      })();
      this.metadata.set(path, p);
    }
    return p;
  }

  /** Recursive LIST under `<mount>/metadata/<path>`; names keep the search path as a prefix. */
  private listSecrets(path: string): Promise<string[]> {
    let p = this.lists.get(path);
    if (!p) {
      p = (async () => {
        let url: string;
        try {
          url = buildMetadataPath(this.cfg, path);
        } catch (e) {
          throw new KvError((e as Error).message);
        }
        const res = await this.call('LIST', url, 'metadata');
        const secret = asSecret(res);
        if (!secret) throw new NoSecretError(`Vault: nothing to list at ${url}, vault ${this.conn.spec.server}`);
        const keys = secretData(secret).get('keys');
        if (!Array.isArray(keys)) return [];
        const out: string[] = [];
        for (const k of keys) {
          if (typeof k !== 'string') continue;
          const full = path === '' ? k : path + k;
          if (k.endsWith('/')) out.push(...(await this.listSecrets(full)));
          else out.push(full);
        }
        return out;
      })();
      this.lists.set(path, p);
    }
    return p;
  }
}

/** ESO's getSecretValue: whole-secret JSON, an exact top-level key, then a gjson path. */
export function secretValue(data: GoObject, property: string | undefined): Uint8Array {
  const json = goMarshal(data);
  if (!property) return Buffer.from(json, 'utf8');
  if (data.has(property)) return goByteValue(data.get(property));
  const r = gjsonGet(json, property);
  if (!r.exists) throw new KvError(`cannot find secret data for key: ${JSON.stringify(property)}`);
  return r.bytes;
}

function goKind(v: GoValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** Vault's error, with the meaning of the usual statuses spelled out. */
export function describeVaultError(e: VaultHttpError): string {
  const hint =
    e.status === 403 ? ' (permission denied: the token lacks a policy for this path, or is invalid)'
    : e.status === 503 && e.errors.some((x) => /sealed/i.test(x)) ? ' (Vault is sealed)'
    : e.status === 429 ? ' (rate limited; retries exhausted within the deadline)'
    : '';
  return `${e.message}${hint}`;
}
