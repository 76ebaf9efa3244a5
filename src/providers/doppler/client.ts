// ESO's Doppler provider (providers/v1/doppler/client.go, ESO v2.9.0) over the thin download client:
// `data[]` reads one secret by name (`secrets=<key>`), `dataFrom.extract` reads it and flattens its JSON,
// `dataFrom.find` downloads the whole config (with the store's nameTransformer and format) and filters it
// by name regexp and path prefix. property, version, metadataPolicy and find.tags are not read by ESO's
// provider and are not read here either.
//
// Requests: every read of one store shares one memo, so a secret name is downloaded once per run and the
// whole config once per run. Before the gets, prefetch asks for every planned name in a few downloads
// (`secrets=A,B,C`, the same endpoint and parameter ESO uses for one name), and each get is answered from
// them with ESO's own per-name outcome.

import type { FindRef, ProviderContext, RemoteRef, SecretsClient } from '../types.js';
import { ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { compileGoRegexp, type GoRegexp } from '../../common/go-regexp.js';
import { jsonToSecretMap } from '../shared/json-map.js';
import { DopplerApiError, type DopplerHttp } from './http.js';
import type { DopplerStoreConfig } from './store-config.js';
import { dopplerKeyProblem } from './key-rules.js';

/** ESO's secretsDownloadFileKey: the one key a download in a `format` is returned under. */
export const DOWNLOAD_FILE_KEY = 'DOPPLER_SECRETS_FILE';
/** Names per prefetch download: keeps the query well under any proxy's URL limit. */
const BATCH = 50;
const BATCH_QUERY_CHARS = 3_000;

type Secrets = Map<string, string>;

/** dclient's json.Unmarshal into map[string]string: a JSON object of strings (null: no secrets), or an error. */
function parseSecrets(body: Buffer, what: 'secret' | 'secrets'): Secrets {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    // Retried as a transport fault (a proxy's page, a cut body); never quoted.
    throw new DopplerApiError(`unable to unmarshal ${what} payload: the body is not the JSON object the Doppler API sends`, 0, 'EBADBODY');
  }
  if (v === null) return new Map();
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v as object).some((x) => typeof x !== 'string' && x !== null)) {
    throw new DopplerApiError(`unable to unmarshal ${what} payload: the body is not a JSON object of strings`, 0, 'EBADBODY');
  }
  // A JSON null unmarshals into "" in Go's map[string]string.
  return new Map(Object.entries(v as Record<string, string | null>).map(([k, x]) => [k, x ?? '']));
}

export class DopplerClient implements SecretsClient {
  private readonly where: string;
  private readonly single = new Map<string, Promise<string>>();
  private whole: Promise<Map<string, Uint8Array>> | undefined;

  constructor(
    ctx: ProviderContext,
    private readonly cfg: DopplerStoreConfig,
    private readonly http: DopplerHttp,
  ) {
    this.where = storeLabel(ctx.store);
  }

  private base(): Record<string, string> {
    return { project: this.cfg.project, config: this.cfg.config };
  }

  private wrap(prefix: string, e: unknown): never {
    if (e instanceof ProviderError) throw e;
    if (e instanceof DopplerApiError) throw new ProviderError(`${this.where}: ${prefix}${e.message}`, { retryable: e.retryable });
    throw e;
  }

  /** Downloads `names` in one request; a name missing from the answer is ESO's "secret '<name>' not found". */
  private fetchNames(names: string[]): void {
    const all = this.http.download({ ...this.base(), secrets: names.join(',') }, false, (d) => parseSecrets(d.body, 'secret'));
    for (const name of names) {
      const one = all.then((m) => {
        const v = m.get(name);
        if (v === undefined) throw new DopplerApiError(`secret '${name}' not found`);
        return v;
      });
      // Each name's outcome is awaited by its get; this only keeps an unread failure from being unhandled.
      one.catch(() => undefined);
      this.single.set(name, one);
    }
  }

  async prefetch(refs: readonly RemoteRef[]): Promise<void> {
    const names = [...new Set(refs.map((r) => r.key))].filter((k) => !this.single.has(k) && dopplerKeyProblem(k) === undefined).sort();
    let chunk: string[] = [];
    let chars = 0;
    for (const n of names) {
      if (chunk.length >= BATCH || (chunk.length > 0 && chars + n.length + 1 > BATCH_QUERY_CHARS)) {
        this.fetchNames(chunk);
        chunk = [];
        chars = 0;
      }
      chunk.push(n);
      chars += n.length + 1;
    }
    if (chunk.length) this.fetchNames(chunk);
    await Promise.allSettled(names.map((n) => this.single.get(n)));
  }

  private value(key: string): Promise<string> {
    const problem = dopplerKeyProblem(key);
    if (problem) return Promise.reject(new ProviderError(`${this.where}: could not get secret ${key}: ${problem}`));
    if (!this.single.has(key)) this.fetchNames([key]);
    return this.single.get(key)!;
  }

  /** client.GetSecret: the named secret's value; ref.property and ref.version are not read (as ESO). */
  async getSecret(ref: RemoteRef): Promise<Uint8Array> {
    try {
      return Buffer.from(await this.value(ref.key), 'utf8');
    } catch (e) {
      this.wrap(`could not get secret ${ref.key}: `, e);
    }
  }

  /** client.GetSecretMap: GetSecret, then the value's JSON object flattened (strings unquoted, the rest raw). */
  async getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>> {
    const data = await this.getSecret(ref);
    try {
      return jsonToSecretMap(data);
    } catch (e) {
      const detail = (e as Error).message.replace(/^unable to unmarshal secret: /, '');
      throw new ProviderError(`${this.where}: unable to unmarshal secret ${ref.key}: ${detail}`);
    }
  }

  /** client.secrets: the whole config, with the store's nameTransformer and format (then one file key). */
  private config(): Promise<Map<string, Uint8Array>> {
    if (!this.whole) {
      const { format, nameTransformer } = this.cfg;
      this.whole = this.http
        .download({ ...this.base(), name_transformer: nameTransformer, format }, format !== '' && format !== 'json', (d) => {
          if (format !== '') {
            // Format defeats JSON parsing: the body is the file. A proxy's HTML page is not a download.
            if (/^text\/html\b/i.test(d.contentType)) throw new DopplerApiError('unable to load response: the body is an HTML page, not a secrets download', 0, 'EBADBODY');
            return new Map([[DOWNLOAD_FILE_KEY, new Uint8Array(d.body)]]);
          }
          return new Map([...parseSecrets(d.body, 'secrets')].map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'utf8'))]));
        });
      this.whole.catch(() => undefined);
    }
    return this.whole;
  }

  /** client.GetAllSecrets: find.name (a Go regexp) and find.path (a name prefix); find.tags is not read. */
  async getAllSecrets(ref: FindRef): Promise<Map<string, Uint8Array>> {
    let secrets: Map<string, Uint8Array>;
    try {
      secrets = await this.config();
    } catch (e) {
      // ESO's errGetSecrets is "could not get secrets %w" (no colon).
      this.wrap('could not get secrets ', e);
    }
    if (ref.name === undefined && ref.path === undefined) return new Map(secrets);
    let matcher: GoRegexp | undefined;
    if (ref.name !== undefined) {
      try {
        matcher = compileGoRegexp(ref.name.regexp);
      } catch (e) {
        throw new ProviderError(`${this.where}: could not compile find.name.regexp [${ref.name.regexp}]: ${(e as Error).message}`);
      }
    }
    const out = new Map<string, Uint8Array>();
    for (const [k, v] of secrets) {
      if ((matcher && !matcher.test(k)) || (ref.path !== undefined && !k.startsWith(ref.path))) continue;
      out.set(k, v);
    }
    return out;
  }

  async close(): Promise<void> {
    this.http.close();
  }
}
