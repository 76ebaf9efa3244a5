// ESO's AWS Secrets Manager provider (eso-semantics §5.2), with fewer requests: plain reads of a run go
// through BatchGetSecretValue (20 ids a call) and fall back to GetSecretValue when the role may not batch.

import {
  BatchGetSecretValueCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
  type Filter,
  type SecretValueEntry,
} from '@aws-sdk/client-secrets-manager';
import { utf8 } from '../shared/bytes.js';
import { compileGoRegexp, type GoRegexp } from '../../common/go-regexp.js';
import { goJsonMarshal, jsonToSecretMap } from '../shared/json-map.js';
import { ProviderError, type FindRef, type ProviderContext, type RemoteRef, type SecretsClient } from '../types.js';
import { BatchLoader, type BatchAnswer } from './batch-loader.js';
import { awsErrorCode, isAccessDenied, notFound, providerError, rewrite, type Where } from './errors.js';
import { Limiter } from './limiter.js';
import { awsProperty } from './property.js';
import { clientOptions, instrument, requestSignal, type CredentialProvider } from './sdk-options.js';
import type { AwsStoreSpec } from './store-spec.js';
import { setKey } from '../../common/records.js';

const BATCH_SIZE = 20;
const CURRENT = 'AWSCURRENT';

/** What one read returned: SecretString as bytes and/or SecretBinary. */
interface Payload {
  string?: Uint8Array;
  binary?: Uint8Array;
}

export class SecretsManagerReader implements SecretsClient {
  private readonly client: SecretsManagerClient;
  private readonly limiter: Limiter;
  private readonly signal: AbortSignal;
  /** key#version#SECRET|TAG → the read, as ESO caches within a reconcile (here: within the run). */
  private readonly cache = new Map<string, Promise<Payload>>();
  private readonly loader: BatchLoader<Payload>;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly spec: AwsStoreSpec,
    private readonly region: string,
    credentials: CredentialProvider | undefined,
    private readonly releaseCredentials: () => void = () => undefined,
  ) {
    this.client = instrument(new SecretsManagerClient(clientOptions(spec.region, credentials, 'AWS_SECRETSMANAGER_ENDPOINT')), ctx);
    this.limiter = new Limiter(ctx.concurrency);
    this.signal = requestSignal(ctx.signal);
    this.loader = new BatchLoader<Payload>({
      size: BATCH_SIZE,
      limiter: this.limiter,
      batch: (ids) => this.batchById(ids),
      single: (id) => this.getSecretValue(id, CURRENT),
      isDenied: isAccessDenied,
      failed: (e) => rewrite(e, this.where('BatchGetSecretValue'), this.signal),
    });
  }

  private where(op: string, key?: string): Where {
    return { store: this.ctx.store, region: this.region, op, key };
  }

  async prefetch(refs: readonly RemoteRef[]): Promise<void> {
    const ids = new Set<string>();
    for (const ref of refs) {
      // BatchGetSecretValue returns AWSCURRENT values only; other versions and metadata are read singly.
      if (ref.metadataPolicy === 'Fetch') continue;
      if ((ref.version ?? '') !== '' && ref.version !== CURRENT) continue;
      const id = this.spec.prefix + ref.key;
      if (!this.cache.has(cacheKey(id, CURRENT, false))) ids.add(id);
    }
    this.loadCurrent([...ids]);
  }

  private loadCurrent(ids: string[]): void {
    for (const [id, p] of this.loader.load(ids)) this.cache.set(cacheKey(id, CURRENT, false), p);
  }

  async getSecret(ref: RemoteRef): Promise<Uint8Array> {
    const payload = await this.fetch(ref);
    if (!ref.property) {
      const raw = payload.string ?? payload.binary;
      if (!raw) throw providerError(`invalid secret received. no secret string nor binary for key: ${ref.key}`, this.where('GetSecretValue', ref.key));
      return raw;
    }
    // ESO reads a property from SecretBinary (as text) when there is one, else from SecretString.
    const r = awsProperty(payload.binary ?? payload.string ?? new Uint8Array(), ref.property);
    if (!r.exists) throw providerError(`key ${ref.property} does not exist in secret ${ref.key}`, this.where('GetSecretValue', ref.key));
    return r.bytes;
  }

  async getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>> {
    const value = await this.getSecret(ref);
    try {
      return jsonToSecretMap(value);
    } catch (e) {
      const why = (e as Error).message.replace(/^unable to unmarshal secret:\s*/, '');
      throw providerError(`unable to unmarshal secret ${ref.key}: ${why}`, this.where('GetSecretValue', ref.key));
    }
  }

  async getAllSecrets(ref: FindRef): Promise<Map<string, Uint8Array>> {
    const tagFilters: Filter[] = Object.entries(ref.tags ?? {}).flatMap(([k, v]) => [
      { Key: 'tag-key', Values: [k] },
      { Key: 'tag-value', Values: [v] },
    ]);
    const hasTags = tagFilters.length > 0;
    if (!ref.name && !hasTags) throw providerError('unexpected find operator', this.where('find'));
    let matcher: GoRegexp | undefined;
    if (ref.name) {
      try {
        matcher = compileGoRegexp(ref.name.regexp);
      } catch (e) {
        throw providerError(`could not compile find.name.regexp [${ref.name.regexp}]: ${(e as Error).message}`, this.where('find'));
      }
    }
    const pathFilter: Filter[] = ref.path !== undefined ? [{ Key: 'name', Values: [ref.path] }] : [];
    // ESO: a name without path lists secrets and reads each match; with a path or tags it batch-reads by filter.
    if (matcher && ref.path === undefined) return this.findByListing(tagFilters, matcher);
    const found = await this.findByFilter([...tagFilters, ...pathFilter], matcher);
    // The name filter is a prefix match; names outside the path are dropped here too, so a find a policy
    // confined under a prefix stays there whatever the endpoint answers.
    if (ref.path !== undefined) for (const name of [...found.keys()]) if (!name.startsWith(ref.path)) found.delete(name);
    return found;
  }

  /** ListSecrets, regexp on Name, then the matches' current values (batched, unlike ESO's one call per match). */
  private async findByListing(filters: Filter[], matcher: Pick<GoRegexp, 'test'>): Promise<Map<string, Uint8Array>> {
    const names = (await this.listNames(filters)).filter((n) => matcher.test(n));
    const wanted = names.filter((n) => !this.cache.has(cacheKey(n, CURRENT, false)));
    this.loadCurrent(wanted);
    const out = new Map<string, Uint8Array>();
    for (const name of names) {
      const p = await this.cache.get(cacheKey(name, CURRENT, false))!;
      const v = p.binary ?? p.string;
      if (v) out.set(name, v);
    }
    return out;
  }

  private async listNames(filters: Filter[]): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.limiter
        .run(() => this.client.send(new ListSecretsCommand({ Filters: filters.length ? filters : undefined, NextToken: token }), { abortSignal: this.signal }))
        .catch((e) => {
          throw rewrite(e, this.where('ListSecrets'), this.signal);
        });
      for (const s of page.SecretList ?? []) if (s.Name) names.push(s.Name);
      token = page.NextToken;
    } while (token);
    return names;
  }

  /** BatchGetSecretValue by filter (AWS prefix match on `name`; tag keys and values matched independently). */
  private async findByFilter(filters: Filter[], matcher: GoRegexp | undefined): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    if (this.loader.denied) return this.findByListingAll(filters, matcher);
    let token: string | undefined;
    try {
      do {
        const page = await this.limiter.run(() =>
          this.client.send(new BatchGetSecretValueCommand({ Filters: filters, NextToken: token }), { abortSignal: this.signal }),
        );
        for (const entry of page.SecretValues ?? []) {
          if (!entry.Name || (matcher && !matcher.test(entry.Name))) continue;
          const payload = toPayload(entry);
          const key = cacheKey(entry.Name, CURRENT, false);
          if (!this.cache.has(key)) this.cache.set(key, Promise.resolve(payload));
          const v = payload.binary ?? payload.string;
          if (v) out.set(entry.Name, v);
        }
        token = page.NextToken;
      } while (token);
    } catch (e) {
      // The least-privilege policy in ESO's docs has no BatchGetSecretValue: list with the same filters instead.
      if (isAccessDenied(e)) {
        this.loader.markDenied();
        return this.findByListingAll(filters, matcher);
      }
      throw rewrite(e, this.where('BatchGetSecretValue'), this.signal);
    }
    return out;
  }

  private findByListingAll(filters: Filter[], matcher: GoRegexp | undefined): Promise<Map<string, Uint8Array>> {
    return this.findByListing(filters, matcher ?? { test: () => true });
  }

  /** One BatchGetSecretValue call for up to 20 ids, each answer mapped back to the id that asked. */
  private async batchById(ids: string[]): Promise<BatchAnswer<Payload>> {
    const answer: BatchAnswer<Payload> = new Map();
    let token: string | undefined;
    do {
      const page = await this.client.send(new BatchGetSecretValueCommand({ SecretIdList: ids, NextToken: token }), { abortSignal: this.signal });
      for (const entry of page.SecretValues ?? []) {
        for (const id of ids) if (!answer.has(id) && sameSecret(id, entry)) answer.set(id, { value: toPayload(entry) });
      }
      for (const err of page.Errors ?? []) {
        const id = err.SecretId;
        if (!id || !ids.includes(id) || answer.has(id)) continue;
        answer.set(id, { error: this.batchEntryError(id, err.ErrorCode ?? 'Error', err.Message ?? '') });
      }
      token = page.NextToken;
    } while (token);
    return answer;
  }

  private batchEntryError(id: string, code: string, message: string): Error {
    const w = this.where('BatchGetSecretValue', id);
    if (code === 'ResourceNotFoundException' || (code === 'InvalidParameterException' && message.includes('was marked for deletion'))) {
      return notFound('secret', w);
    }
    return rewrite(Object.assign(new Error(message), { name: code }), w, this.signal);
  }

  private fetch(ref: RemoteRef): Promise<Payload> {
    const id = this.spec.prefix + ref.key;
    const version = ref.version || CURRENT;
    const tags = ref.metadataPolicy === 'Fetch';
    const key = cacheKey(id, version, tags);
    let p = this.cache.get(key);
    if (!p) {
      p = this.limiter.run(() => (tags ? this.describeTags(id) : this.getSecretValue(id, version)));
      p.catch(() => undefined);
      this.cache.set(key, p);
    }
    return p;
  }

  private async getSecretValue(id: string, version: string): Promise<Payload> {
    const input = version.startsWith('uuid/') ? { SecretId: id, VersionId: version.slice('uuid/'.length) } : { SecretId: id, VersionStage: version };
    try {
      const out = await this.client.send(new GetSecretValueCommand(input), { abortSignal: this.signal });
      return toPayload(out);
    } catch (e) {
      const code = awsErrorCode(e);
      if (code === 'ResourceNotFoundException' || (code === 'InvalidParameterException' && String((e as Error).message).includes('was marked for deletion'))) {
        throw notFound('secret', this.where('GetSecretValue', id));
      }
      throw rewrite(e, this.where('GetSecretValue', id), this.signal);
    }
  }

  /** metadataPolicy Fetch: the secret's tags as a JSON object (Go json.Marshal of a map: sorted, HTML-escaped). */
  private async describeTags(id: string): Promise<Payload> {
    try {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: id }), { abortSignal: this.signal });
      const tags: Record<string, string> = {};
      for (const t of out.Tags ?? []) if (t.Key !== undefined) setKey(tags, t.Key, t.Value ?? '');
      return { string: utf8(goJsonMarshal(tags, { escapeHTML: true })) };
    } catch (e) {
      // ESO does not turn a missing secret into NoSecretErr on this path; the message still says "not found".
      if (awsErrorCode(e) === 'ResourceNotFoundException') {
        throw new ProviderError(notFound('secret', this.where('DescribeSecret', id)).detail!, { code: 'ResourceNotFoundException' });
      }
      throw rewrite(e, this.where('DescribeSecret', id), this.signal);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.releaseCredentials();
  }
}

function cacheKey(id: string, version: string, tags: boolean): string {
  return `${id}#${version}#${tags ? 'TAG' : 'SECRET'}`;
}

function toPayload(out: { SecretString?: string; SecretBinary?: Uint8Array }): Payload {
  return {
    ...(out.SecretString !== undefined ? { string: utf8(out.SecretString) } : {}),
    ...(out.SecretBinary !== undefined ? { binary: out.SecretBinary } : {}),
  };
}

/** Whether a batch entry answers an id given by name, full ARN or partial ARN (without AWS's 6-char suffix). */
function sameSecret(id: string, entry: SecretValueEntry): boolean {
  if (id === entry.Name || id === entry.ARN) return true;
  return id.startsWith('arn:') && entry.ARN !== undefined && entry.ARN.startsWith(id + '-') && entry.ARN.length === id.length + 7;
}

