// ESO's AWS Parameter Store provider (eso-semantics §5.3). Plain reads of a run go through GetParameters
// (10 names a call, decrypted); finds by path or tags fetch their matches the same way.

import {
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  ListTagsForResourceCommand,
  SSMClient,
  type ParameterStringFilter,
} from '@aws-sdk/client-ssm';
import { utf8 } from '../shared/bytes.js';
import { compileGoRegexp, type GoRegexp } from '../../common/go-regexp.js';
import { goJsonMarshal, jsonToSecretMap } from '../shared/json-map.js';
import type { FindRef, ProviderContext, RemoteRef, SecretsClient } from '../types.js';
import { BatchLoader, type BatchAnswer } from './batch-loader.js';
import { awsErrorCode, isAccessDenied, notFound, providerError, rewrite, type Where } from './errors.js';
import { Limiter } from './limiter.js';
import { awsProperty } from './property.js';
import { clientOptions, instrument, requestSignal, type CredentialProvider } from './sdk-options.js';
import type { AwsStoreSpec } from './store-spec.js';
import { setKey } from '../../common/records.js';

const BATCH_SIZE = 10;

export class ParameterStoreReader implements SecretsClient {
  private readonly client: SSMClient;
  private readonly limiter: Limiter;
  private readonly signal: AbortSignal;
  /** name[:version]#SECRET|TAG → the value read. */
  private readonly cache = new Map<string, Promise<Uint8Array>>();
  private readonly loader: BatchLoader<Uint8Array>;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly spec: AwsStoreSpec,
    private readonly region: string,
    credentials: CredentialProvider | undefined,
    private readonly releaseCredentials: () => void = () => undefined,
  ) {
    this.client = instrument(new SSMClient(clientOptions(spec.region, credentials, 'AWS_SSM_ENDPOINT')), ctx);
    this.limiter = new Limiter(ctx.concurrency);
    this.signal = requestSignal(ctx.signal);
    this.loader = new BatchLoader<Uint8Array>({
      size: BATCH_SIZE,
      limiter: this.limiter,
      batch: (names) => this.getParameters(names),
      single: (name) => this.getParameter(name),
      isDenied: isAccessDenied,
      failed: (e) => rewrite(e, this.where('GetParameters'), this.signal),
    });
  }

  private where(op: string, key?: string): Where {
    return { store: this.ctx.store, region: this.region, op, key };
  }

  private nameOf(ref: RemoteRef): string {
    return this.spec.prefix + ref.key + (ref.version ? `:${ref.version}` : '');
  }

  async prefetch(refs: readonly RemoteRef[]): Promise<void> {
    const names = new Set<string>();
    for (const ref of refs) {
      if (ref.metadataPolicy === 'Fetch') continue;
      const name = this.nameOf(ref);
      if (!this.cache.has(cacheKey(name, false))) names.add(name);
    }
    this.loadValues([...names]);
  }

  private loadValues(names: string[]): void {
    for (const [name, p] of this.loader.load(names)) this.cache.set(cacheKey(name, false), p);
  }

  async getSecret(ref: RemoteRef): Promise<Uint8Array> {
    const value = await this.fetch(ref);
    if (!ref.property) return value;
    const r = awsProperty(value, ref.property);
    if (!r.exists) throw providerError(`key ${ref.property} does not exist in secret ${ref.key}`, this.where('GetParameter', this.nameOf(ref)));
    return r.bytes;
  }

  async getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>> {
    const value = await this.getSecret(ref);
    try {
      return jsonToSecretMap(value);
    } catch (e) {
      const why = (e as Error).message.replace(/^unable to unmarshal secret:\s*/, '');
      throw providerError(`unable to unmarshal secret ${ref.key}: ${why}`, this.where('GetParameter', this.nameOf(ref)));
    }
  }

  /** ESO: a name regexp wins (tags are then ignored); tags alone go through DescribeParameters. */
  async getAllSecrets(ref: FindRef): Promise<Map<string, Uint8Array>> {
    if (ref.name) {
      let matcher: GoRegexp;
      try {
        matcher = compileGoRegexp(ref.name.regexp);
      } catch (e) {
        throw providerError(`could not compile find.name.regexp [${ref.name.regexp}]: ${(e as Error).message}`, this.where('find'));
      }
      return this.findByPath(ref.path ?? '/', matcher, ref.path !== undefined);
    }
    if (ref.tags && Object.keys(ref.tags).length > 0) {
      const filters: ParameterStringFilter[] = Object.entries(ref.tags).map(([k, v]) => ({ Key: `tag:${k}`, Option: 'Equals', Values: [v] }));
      if (ref.path !== undefined) filters.push({ Key: 'Path', Option: 'Recursive', Values: [ref.path] });
      const names = await this.describeNames(filters);
      return this.valuesOf(names);
    }
    throw providerError('unexpected find operator', this.where('find'));
  }

  private async findByPath(path: string, matcher: GoRegexp, explicitPath: boolean): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    let token: string | undefined;
    try {
      do {
        const page = await this.limiter.run(() =>
          this.client.send(
            new GetParametersByPathCommand({ Path: path, Recursive: true, WithDecryption: true, NextToken: token }),
            { abortSignal: this.signal },
          ),
        );
        for (const p of page.Parameters ?? []) {
          if (p.Name === undefined || !matcher.test(p.Name)) continue;
          out.set(p.Name, utf8(p.Value ?? ''));
        }
        token = page.NextToken;
      } while (token);
    } catch (e) {
      // As ESO: without ssm:GetParametersByPath, describe the parameters and read the matches.
      if (isAccessDenied(e)) {
        const filters: ParameterStringFilter[] = explicitPath ? [{ Key: 'Path', Option: 'Recursive', Values: [path] }] : [];
        const names = (await this.describeNames(filters)).filter((n) => matcher.test(n));
        return this.valuesOf(names);
      }
      throw rewrite(e, this.where('GetParametersByPath', path), this.signal);
    }
    return out;
  }

  private async describeNames(filters: ParameterStringFilter[]): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.limiter
        .run(() =>
          this.client.send(new DescribeParametersCommand({ ParameterFilters: filters.length ? filters : undefined, MaxResults: 50, NextToken: token }), {
            abortSignal: this.signal,
          }),
        )
        .catch((e) => {
          throw rewrite(e, this.where('DescribeParameters'), this.signal);
        });
      for (const p of page.Parameters ?? []) if (p.Name !== undefined) names.push(p.Name);
      token = page.NextToken;
    } while (token);
    return names;
  }

  /** Current values of found parameters, 10 per GetParameters call (ESO reads each with GetParameter). */
  private async valuesOf(names: string[]): Promise<Map<string, Uint8Array>> {
    this.loadValues(names.filter((n) => !this.cache.has(cacheKey(n, false))));
    const out = new Map<string, Uint8Array>();
    for (const name of names) out.set(name, await this.cache.get(cacheKey(name, false))!);
    return out;
  }

  private fetch(ref: RemoteRef): Promise<Uint8Array> {
    const name = this.nameOf(ref);
    const tags = ref.metadataPolicy === 'Fetch';
    const key = cacheKey(name, tags);
    let p = this.cache.get(key);
    if (!p) {
      p = this.limiter.run(() => (tags ? this.listTags(name) : this.getParameter(name)));
      p.catch(() => undefined);
      this.cache.set(key, p);
    }
    return p;
  }

  /** One GetParameters call; answers keyed by the name as asked (`Name` + `Selector` for `name:version`). */
  private async getParameters(names: string[]): Promise<BatchAnswer<Uint8Array>> {
    const out = await this.client.send(new GetParametersCommand({ Names: names, WithDecryption: true }), { abortSignal: this.signal });
    const answer: BatchAnswer<Uint8Array> = new Map();
    // Names AWS reports invalid cannot be what a returned parameter answers.
    const invalid = new Set(out.InvalidParameters ?? []);
    const open = names.filter((n) => !invalid.has(n));
    for (const p of out.Parameters ?? []) {
      const asked = askedName(open, p);
      if (asked !== undefined && !answer.has(asked)) answer.set(asked, { value: utf8(p.Value ?? '') });
    }
    for (const name of out.InvalidParameters ?? []) {
      // A missing version (`name:7`) is ParameterVersionNotFound for ESO, not NoSecretErr: let a single read say which.
      if (name.includes(':')) continue;
      if (names.includes(name) && !answer.has(name)) answer.set(name, { error: notFound('parameter', this.where('GetParameters', name)) });
    }
    return answer;
  }

  private async getParameter(name: string): Promise<Uint8Array> {
    try {
      const out = await this.client.send(new GetParameterCommand({ Name: name, WithDecryption: true }), { abortSignal: this.signal });
      return utf8(out.Parameter?.Value ?? '');
    } catch (e) {
      if (awsErrorCode(e) === 'ParameterNotFound') throw notFound('parameter', this.where('GetParameter', name));
      throw rewrite(e, this.where('GetParameter', name), this.signal);
    }
  }

  /** metadataPolicy Fetch: ListTagsForResource as a JSON object (Go json.Marshal of a map). */
  private async listTags(name: string): Promise<Uint8Array> {
    try {
      const out = await this.client.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }), { abortSignal: this.signal });
      const tags: Record<string, string> = {};
      for (const t of out.TagList ?? []) if (t.Key !== undefined) setKey(tags, t.Key, t.Value ?? '');
      return utf8(goJsonMarshal(tags, { escapeHTML: true }));
    } catch (e) {
      throw rewrite(e, this.where('ListTagsForResource', name), this.signal);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.releaseCredentials();
  }
}

function cacheKey(name: string, tags: boolean): string {
  return `${name}#${tags ? 'TAG' : 'SECRET'}`;
}

/**
 * Which requested name a GetParameters answer is for. AWS says so with `Selector` (`:3`, `:label`); a
 * server that leaves it out is matched only when one requested name can be meant. Unmatched names are
 * read singly, so a doubt costs a request, never a wrong value.
 */
function askedName(names: readonly string[], p: { Name?: string; Selector?: string; Version?: number }): string | undefined {
  if (p.Name === undefined) return undefined;
  if (p.Selector) {
    const asked = p.Name + p.Selector;
    return names.includes(asked) ? asked : undefined;
  }
  const candidates = names.filter((n) => n === p.Name || n.startsWith(p.Name + ':'));
  if (candidates.length !== 1) return undefined;
  const only = candidates[0]!;
  if (only === p.Name) return only;
  const selector = only.slice(p.Name.length + 1);
  // A numeric selector must be the version returned; a label cannot be checked, so it is not trusted.
  return /^\d+$/.test(selector) && Number(selector) === p.Version ? only : undefined;
}
