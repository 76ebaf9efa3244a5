// ESO's OpenBao SecretsClient (providers/v1/openbao/client.go) over OpenBao's KV v1/v2 HTTP API, which is
// Vault's wire protocol (`/v1/...`, X-Vault-Token, X-Vault-Namespace). It differs from ESO's Vault provider
// (docs/providers/openbao.md): the mount defaults to `kv`, keys are used as given (no mount stripping),
// `property` is a top-level key only (no gjson path), `metadataPolicy` and tags are not supported, and a
// missing secret is an error (OpenBao's ErrSecretNotFound is not ESO's NoSecretErr). Every read is cached
// per run, so many properties of one key cost one request.

import { ProviderError } from '../types.js';
import type { FindRef, RemoteRef, SecretsClient } from '../types.js';
import { VaultHttp, VaultHttpError, VaultPathError, VaultTransportError, asSecret, secretData } from '../vault/http.js';
import { describeVaultError } from '../vault/kv-client.js';
import { GoObject, GoValue, goByteValue, goMarshal, isGoObject, parseGoJson, JsonSyntaxError } from '../shared/go-json.js';
import { compileGoRegexp, type GoRegexp } from '../../common/go-regexp.js';
import { OpenBaoAuthError } from './auth.js';
import type { OpenBaoStoreSpec } from './store-spec.js';

/** A failure of ESO's code path, with ESO's wording; made a ProviderError at the edge. */
class BaoError extends Error {
  constructor(message: string, readonly retryable = false) {
    super(message);
  }
}

/** `secret.Data` of a KV read: KV v2 unwraps data.data (nil for a deleted version). */
type KvData = GoObject | null;

export class OpenBaoClient implements SecretsClient {
  private readonly reads = new Map<string, Promise<KvData>>();
  private readonly lists = new Map<string, Promise<string[] | null>>();

  constructor(
    private readonly spec: OpenBaoStoreSpec,
    private readonly http: VaultHttp,
    private readonly token: () => Promise<string | undefined>,
    private readonly label: string,
  ) {}

  async getSecret(ref: RemoteRef): Promise<Uint8Array> {
    return this.edge(ref.key, async () => {
      const data = await this.read(ref.key, ref.version);
      if (!ref.property) return Buffer.from(goMarshal(data ?? null), 'utf8');
      if (!data || !data.has(ref.property)) throw new BaoError(`cannot find secret data for key: ${JSON.stringify(ref.property)}`);
      return goByteValue(data.get(ref.property));
    });
  }

  async getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>> {
    const bytes = await this.getSecret(ref);
    return this.edge(ref.key, async () => {
      // ESO unmarshals GetSecret's bytes into map[string]any: numbers become float64 and are re-formatted.
      let v: GoValue;
      try {
        v = parseGoJson(Buffer.from(bytes).toString('utf8'), 'float');
      } catch (e) {
        if (e instanceof JsonSyntaxError) throw new BaoError(`the value is not a JSON object: ${e.message}`);
        throw e;
      }
      const out = new Map<string, Uint8Array>();
      if (v === null) return out;
      if (!isGoObject(v)) throw new BaoError('json: cannot unmarshal a non-object into Go value of type map[string]interface {}');
      for (const [k, x] of v) out.set(k, goByteValue(x));
      return out;
    });
  }

  async getAllSecrets(ref: FindRef): Promise<Map<string, Uint8Array>> {
    return this.edge(ref.path ?? '', async () => {
      if (ref.tags) throw new BaoError('tag based search is not implemented');
      if (!ref.name) throw new BaoError('find.name is required (ESO v2.9.0 dereferences it unchecked)');
      if (ref.path) {
        // ESO lists under find.path but then reads each listed name from the mount's root, outside the
        // path the find named (and the path a policy matched): refused instead of read.
        throw new BaoError('find.path is not supported: ESO v2.9.0 lists under it but reads the listed names from the root of the mount; use find.name alone');
      }
      let matcher: GoRegexp;
      try {
        matcher = compileGoRegexp(ref.name.regexp);
      } catch (e) {
        throw new BaoError(`could not compile find.name.regexp [${ref.name.regexp}]: ${(e as Error).message}`);
      }
      const keys = await this.list('');
      const out = new Map<string, Uint8Array>();
      if (keys === null) return out;
      // ESO reads the matches one by one; reads here are cached, so a data[] of the same key costs nothing.
      const matched = keys.filter((k) => matcher.test(k));
      const values = await Promise.all(matched.map(async (k) => [k, goMarshal((await this.read(k, undefined)) ?? null)] as const));
      for (const [k, v] of values) out.set(k, Buffer.from(v, 'utf8'));
      return out;
    });
  }

  async close(): Promise<void> {
    this.http.close();
  }

  private async edge<T>(key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.wrap(e, key);
    }
  }

  private wrap(e: unknown, key: string): Error {
    if (e instanceof ProviderError) return e;
    const where = `${this.label} (openBao ${this.spec.server})`;
    if (e instanceof OpenBaoAuthError) return new ProviderError(`${where}: ${e.message}`, { code: 'OpenBaoAuth' });
    if (e instanceof BaoError) return new ProviderError(`${where}: key ${JSON.stringify(key)}: ${e.message}`, { retryable: e.retryable });
    if (e instanceof VaultPathError) return new ProviderError(`${where}: key ${JSON.stringify(key)}: ${e.message}`, { code: 'PathEscape' });
    if (e instanceof VaultTransportError) return new ProviderError(`${where}: key ${JSON.stringify(key)}: cannot reach OpenBao: ${e.message}`, { retryable: e.retryable, code: e.code });
    return new ProviderError(`${where}: key ${JSON.stringify(key)}: ${(e as Error)?.message ?? String(e)}`);
  }

  private async call(method: 'GET' | 'LIST', path: string, what: string, query?: Record<string, string>) {
    const token = await this.token();
    try {
      return await this.http.request({ method, path, under: this.spec.path, ...(token ? { token } : {}), ...(query ? { query } : {}) });
    } catch (e) {
      if (e instanceof VaultHttpError) throw new BaoError(`${what ? `${what} ${path}: ` : ''}${describeVaultError(e)}`, e.retryable);
      throw e;
    }
  }

  /** `secret.Data` of (key, version), as OpenBao's KVv1/KVv2 Get and GetVersion return it; cached. */
  private read(key: string, version: string | undefined): Promise<KvData> {
    let query: Record<string, string> | undefined;
    if (version !== undefined && version !== '') {
      if (this.spec.version === 'v1') return Promise.reject(new BaoError('OpenBao KVv1 secrets do not support versioning (use KVv2)'));
      const n = goAtoi(version);
      if (typeof n === 'string') return Promise.reject(new BaoError(`invalid Ref.Version: strconv.Atoi: parsing ${JSON.stringify(version)}: ${n}`));
      query = { version: n.toString() };
    }
    const path = this.spec.version === 'v1' ? `${this.spec.path}/${key}` : `${this.spec.path}/data/${key}`;
    const cacheKey = query ? `${path}?version=${query.version}` : path;
    let p = this.reads.get(cacheKey);
    if (!p) {
      p = (async () => {
        const res = await this.call('GET', path, query ? '' : 'error encountered while reading secret at', query);
        const secret = asSecret(res);
        if (!secret) throw new BaoError(query ? `secret not found: for version ${query.version} at ${path}` : `secret not found: at ${path}`);
        const raw = secret.get('data');
        if (this.spec.version === 'v1') return isGoObject(raw) ? raw : null;
        if (!isGoObject(raw)) return null; // no data at all: a nil map
        if (!raw.has('data')) throw new BaoError(`error parsing secret at ${path}: missing expected 'data' element`);
        const inner = raw.get('data');
        if (inner === null) return null; // a deleted version: Data is nil
        if (!isGoObject(inner)) throw new BaoError(`error parsing secret at ${path}: unexpected type for 'data' element`);
        return inner;
      })();
      this.reads.set(cacheKey, p);
    }
    return p;
  }

  /** KVv1/KVv2 List: one LIST (not recursive); null when OpenBao has nothing there. */
  private list(path: string): Promise<string[] | null> {
    const at = this.spec.version === 'v1' ? `${this.spec.path}/${path}` : `${this.spec.path}/metadata/${path}`;
    let p = this.lists.get(at);
    if (!p) {
      p = (async () => {
        const res = await this.call('LIST', at, 'error listing secrets at');
        const secret = asSecret(res);
        if (!secret) return null;
        const keys = secretData(secret).get('keys');
        if (keys === undefined) return [];
        if (!Array.isArray(keys)) throw new BaoError('invalid response from server: expected "keys" to be of type []any');
        const out: string[] = [];
        for (const k of keys) {
          if (typeof k !== 'string') throw new BaoError('invalid response from server: expected every key to be of type string');
          out.push(k);
        }
        return out;
      })();
      this.lists.set(at, p);
    }
    return p;
  }
}

/** Go's strconv.Atoi on a 64-bit platform: the number, or the reason it is refused. */
export function goAtoi(s: string): bigint | string {
  if (!/^[+-]?[0-9]+$/.test(s)) return 'invalid syntax';
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return 'value out of range';
  return n;
}
