// ESO's GCP Secret Manager client (eso-semantics §5.5) over the real Node client: one AccessSecretVersion
// per unique secret version and one GetSecret per secret for metadata, shared by every ref of the run.

import type { FindRef, ProviderContext, RemoteRef, SecretsClient } from '../types.js';
import { NoSecretError, ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { escapeDots, gjsonGet, isValidJson } from '../shared/gjson.js';
import { goJsonMarshal, jsonToSecretMap } from '../shared/json-map.js';
import { convertKeys } from '../shared/keys.js';
import { compileGoRegexp } from '../../common/go-regexp.js';
import { withRetry } from '../shared/retry.js';
import type { Connection } from './connection.js';
import type { GcpLocation } from './names.js';
import { nameProblem, namesUnder, parentName, secretName, trimSecretName, versionName } from './names.js';
import { DEADLINE_EXCEEDED, describeGrpcError, grpcCode, isDestroyedOrDisabled, isRetryableGrpc, NOT_FOUND } from './errors.js';
import { attemptTimeoutMs } from '../shared/request-timeout.js';
import { makeLimiter } from '../shared/limiter.js';
import type { GcpStoreConfig } from './store-config.js';
import { gcpsmKeyRules } from './key-rules.js';

interface SecretMeta {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * The generated client takes no AbortSignal; a call is bounded by its timeout (the per-request timeout,
 * cut to the run's remaining time) and the run stops waiting for it as soon as the signal fires.
 */
function abortable<T>(p: Promise<T>, signal: AbortSignal, where: string): Promise<T> {
  if (signal.aborted) return Promise.reject(new ProviderError(`${where}: run aborted (deadline)`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ProviderError(`${where}: run aborted (deadline)`));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Retry spacing: up to 6 attempts, full jitter from 200 ms doubling. Together with the channel's short
 * reconnect backoff (connection.ts) a retry finds a new connection rather than the failed one's backoff.
 */
const RETRY = { attempts: 6, baseMs: 200, maxMs: 2_000 };

export class GcpSecretsClient implements SecretsClient {
  private readonly at: GcpLocation;
  private readonly payloads = new Map<string, Promise<Uint8Array | undefined>>();
  private readonly metadata = new Map<string, Promise<SecretMeta>>();
  private readonly limit: <T>(fn: () => Promise<T>) => Promise<T>;
  private readonly where: string;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly cfg: GcpStoreConfig,
    private readonly conn: Connection,
  ) {
    this.at = { projectID: conn.projectID };
    if (cfg.location) this.at.location = cfg.location;
    this.limit = makeLimiter(ctx.concurrency);
    this.where = storeLabel(ctx.store);
  }

  /**
   * gax retries are off: retries go through withRetry so they are counted and end at the deadline. The
   * timeout is per attempt (ESO_RENDER_REQUEST_TIMEOUT, never past the run's deadline).
   */
  private callOptions() {
    return { retry: null, timeout: attemptTimeoutMs(this.ctx.deadline) };
  }

  /** One counted request, retried on throttling/unavailability/timeouts inside the store's concurrency bound. */
  private async rpc<T>(fn: () => Promise<T>): Promise<T> {
    // The token first (once per store; a no-op unless the credentials exchange one at a token service).
    await this.conn.authorize();
    return this.limit(() =>
      withRetry(
        this.ctx,
        async () => {
          if (Date.now() >= this.ctx.deadline) throw new ProviderError(`${this.where}: deadline exceeded before the request was sent`);
          this.ctx.countRequest();
          const used = this.conn.client;
          try {
            return await abortable(fn(), this.ctx.signal, this.where);
          } catch (e) {
            // A timed-out call may sit on a connection that will never answer: retry on a new one.
            if (grpcCode(e) === DEADLINE_EXCEEDED && Date.now() < this.ctx.deadline) this.conn.reconnect(used);
            throw e;
          }
        },
        isRetryableGrpc,
        RETRY,
      ),
    );
  }

  private fail(action: string, e: unknown): never {
    if (e instanceof ProviderError || e instanceof NoSecretError) throw e;
    throw new ProviderError(`${this.where}: ${action}: ${describeGrpcError(e)}`, {
      retryable: isRetryableGrpc(e),
      code: String(grpcCode(e) ?? ''),
    });
  }

  /** The payload of one version; `undefined` when the version holds no data. Cached per version name. */
  /** Refuses (unsent) a call whose resource name would leave the project/location its key names. */
  private guard(name: string, under?: string): void {
    const why = nameProblem(name, under);
    if (why) throw new ProviderError(`${this.where}: refused to send the request: ${why}`, { code: 'PathEscape' });
  }

  private access(key: string, version: string | undefined): Promise<Uint8Array | undefined> {
    const name = versionName(this.at, key, version);
    try {
      this.guard(name, namesUnder(this.at, key));
    } catch (e) {
      return Promise.reject(e);
    }
    let p = this.payloads.get(name);
    if (!p) {
      p = this.accessUncached(key, version, name);
      this.payloads.set(name, p);
    }
    return p;
  }

  private async accessUncached(key: string, version: string | undefined, name: string): Promise<Uint8Array | undefined> {
    try {
      let res;
      try {
        res = await this.accessOnce(name);
      } catch (e) {
        if (this.cfg.versionPolicy !== 'LatestOrFetch' || version || !isDestroyedOrDisabled(e)) throw e;
        res = await this.accessOnce(await this.latestEnabledVersion(secretName(this.at, key)));
      }
      const data = res.payload?.data;
      if (data === null || data === undefined || data.length === 0) return undefined;
      return typeof data === 'string' ? Buffer.from(data, 'base64') : new Uint8Array(data);
    } catch (e) {
      if (grpcCode(e) === NOT_FOUND) throw new NoSecretError(`${this.where}: secret ${key} version ${version || 'latest'}`);
      this.fail(`unable to access secret ${key} version ${version || 'latest'} (${name})`, e);
    }
  }

  private async accessOnce(name: string) {
    this.guard(name);
    const [res] = await this.rpc(() => this.conn.client.accessSecretVersion({ name }, this.callOptions()));
    return res;
  }

  /** ESO's getLatestEnabledVersion: the newest ENABLED version by create time, else `latest`. */
  private async latestEnabledVersion(secret: string): Promise<string> {
    let best = '';
    let bestTime = 0;
    let pageToken: string | undefined;
    do {
      this.guard(secret);
      const req: Record<string, unknown> = { parent: secret, filter: 'state:ENABLED' };
      if (pageToken) req['pageToken'] = pageToken;
      const [versions, , raw] = await this.rpc(() =>
        this.conn.client.listSecretVersions(req, { ...this.callOptions(), autoPaginate: false }),
      );
      for (const v of versions) {
        const t = Number(v.createTime?.seconds ?? 0) * 1000 + Math.floor((v.createTime?.nanos ?? 0) / 1e6);
        if (v.name && t > bestTime) {
          bestTime = t;
          best = v.name;
        }
      }
      pageToken = raw?.nextPageToken || undefined;
    } while (pageToken);
    return best || `${secret}/versions/latest`;
  }

  private secretMetadata(key: string): Promise<SecretMeta> {
    const name = secretName(this.at, key);
    let p = this.metadata.get(name);
    if (!p) {
      p = (async () => {
        this.guard(name, namesUnder(this.at, key));
        try {
          const [s] = await this.rpc(() => this.conn.client.getSecret({ name }, this.callOptions()));
          return { labels: { ...(s.labels ?? {}) }, annotations: { ...(s.annotations ?? {}) } };
        } catch (e) {
          if (grpcCode(e) === NOT_FOUND) throw new NoSecretError(`${this.where}: secret ${key}`);
          this.fail(`unable to get secret ${key} (${name})`, e);
        }
      })();
      this.metadata.set(name, p);
    }
    return p;
  }

  async getSecret(ref: RemoteRef): Promise<Uint8Array> {
    if (ref.metadataPolicy === 'Fetch') return this.getMetadataValue(ref);
    const data = await this.access(ref.key, ref.version);
    if (!ref.property) {
      if (data === undefined) throw new ProviderError(`${this.where}: invalid secret received. no secret string for key: ${ref.key}`);
      return data;
    }
    const json = data ?? new Uint8Array();
    if (!isValidJson(json)) {
      throw new ProviderError(`${this.where}: unable to unmarshal secret ${ref.key} from JSON: property ${ref.property} needs a JSON payload`);
    }
    // ESO tries a dotted property as one literal key first (only when the dot is not the first character).
    if (ref.property.indexOf('.') > 0) {
      const literal = gjsonGet(json, escapeDots(ref.property));
      if (literal.exists) return literal.bytes;
    }
    const r = gjsonGet(json, ref.property);
    if (!r.exists) throw new ProviderError(`${this.where}: key ${ref.property} does not exist in secret ${ref.key}`);
    return r.bytes;
  }

  /** metadataPolicy Fetch: labels and annotations, as Go marshals the protobuf maps (empty → null). */
  private async getMetadataValue(ref: RemoteRef): Promise<Uint8Array> {
    const meta = await this.secretMetadata(ref.key);
    const asJson = (m: Record<string, string>) => (Object.keys(m).length === 0 ? null : m);
    const prop = ref.property ?? '';
    for (const kind of ['annotations', 'labels'] as const) {
      if (prop.startsWith(kind + '.') && prop.length > kind.length + 1) {
        const k = prop.slice(kind.length + 1);
        const v = meta[kind][k];
        if (v === undefined) {
          throw new ProviderError(`${this.where}: ${kind === 'labels' ? 'label' : 'annotation'} with key ${k} does not exist in secret ${ref.key}`);
        }
        return Buffer.from(v, 'utf8');
      }
    }
    if (prop === 'annotations' || prop === 'labels') return Buffer.from(goJsonMarshal(asJson(meta[prop])), 'utf8');
    if (prop !== '') {
      throw new ProviderError(`${this.where}: invalid property ${prop}: metadata property should start with either annotations or labels`);
    }
    return Buffer.from(goJsonMarshal({ annotations: asJson(meta.annotations), labels: asJson(meta.labels) }), 'utf8');
  }

  async getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>> {
    const value = await this.getSecret(ref);
    try {
      return jsonToSecretMap(value);
    } catch (e) {
      throw new ProviderError(`${this.where}: secret ${ref.key}: ${(e as Error).message}`);
    }
  }

  async getAllSecrets(ref: FindRef): Promise<Map<string, Uint8Array>> {
    // The filter is built from find.path and find.tags: held to the key rules here too, unsent otherwise.
    const bad = gcpsmKeyRules.find(ref)[0];
    if (bad) throw new ProviderError(`${this.where}: refused to send the request: ${bad.reason}`, { code: 'PathEscape' });
    let parent: string;
    let filter: string | undefined;
    let match: (id: string) => boolean;
    if (ref.name) {
      let re;
      try {
        re = compileGoRegexp(ref.name.regexp);
      } catch (e) {
        throw new ProviderError(`${this.where}: find.name.regexp: ${(e as Error).message}`);
      }
      parent = parentName(this.at);
      if (ref.path !== undefined) filter = `name:${ref.path}`;
      match = (id) => re.test(id);
    } else if (ref.tags && Object.keys(ref.tags).length > 0) {
      // Sorted for a stable filter text; the service ANDs the terms whatever their order.
      const terms = Object.keys(ref.tags)
        .sort()
        .map((k) => `labels.${k}=${ref.tags![k]}`);
      filter = terms.join(' ') + (ref.path !== undefined ? ` name:${ref.path}` : '');
      // ESO lists by tags under the project, even for a regional store.
      parent = `projects/${this.at.projectID}`;
      match = () => true;
    } else {
      throw new ProviderError(`${this.where}: unexpected find operator`);
    }

    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const req: Record<string, unknown> = { parent };
      if (filter !== undefined) req['filter'] = filter;
      if (pageToken) req['pageToken'] = pageToken;
      let page;
      try {
        page = await this.rpc(() => this.conn.client.listSecrets(req, { ...this.callOptions(), autoPaginate: false }));
      } catch (e) {
        this.fail(`failed to list secrets under ${parent}${filter ? ` with filter "${filter}"` : ''}`, e);
      }
      const [secrets, , raw] = page;
      for (const s of secrets) {
        const id = trimSecretName(this.at, s.name ?? '');
        if (!match(id) || (ref.path !== undefined && !id.startsWith(ref.path))) continue;
        ids.push(id);
      }
      pageToken = raw?.nextPageToken || undefined;
    } while (pageToken);

    const values = await Promise.all(ids.map((id) => this.getSecret({ key: id })));
    const out = new Map<string, Uint8Array>();
    ids.forEach((id, i) => out.set(id, values[i]!));
    try {
      return convertKeys(out, ref.conversionStrategy);
    } catch (e) {
      throw new ProviderError(`${this.where}: ${(e as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}
