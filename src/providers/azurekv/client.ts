// ESO's Azure Key Vault client (eso-semantics §5.6) over the real SDKs: `secret/`, `cert/` and `key/`
// objects, one GET per unique object version shared by every ref of the run, find over the paged list.

import type { FindRef, ProviderContext, RemoteRef, SecretsClient } from '../types.js';
import { NoSecretError, ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { jsonToSecretMap } from '../shared/json-map.js';
import { compileGoRegexp } from '../../common/go-regexp.js';
import { withRetry } from '../shared/retry.js';
import { AzurePathError, type Clients } from './connection.js';
import type { AzureStoreConfig } from './store-config.js';
import { describeHttpError, httpStatus, isRetryableHttp } from './errors.js';
import { marshalJwk, type SdkJsonWebKey } from './jwk.js';
import { makeLimiter } from '../shared/limiter.js';
import {
  allMetadata,
  azureProperty,
  AzurePropertyError,
  prefixedTags,
  secretMapProperties,
  secretTag,
  type ObjectProperties,
} from './metadata.js';

type ObjectType = 'secret' | 'cert' | 'key';

interface VaultObject {
  properties: ObjectProperties;
  value?: string;
  cer?: Uint8Array;
  key?: SdkJsonWebKey;
}

/** ESO's getObjType: `<type>/<name>[/…]`, the type defaulting to `secret`; later segments are ignored. */
function objectType(key: string): { type: string; name: string } {
  const parts = key.split('/');
  return parts.length > 1 ? { type: parts[0]!, name: parts[1]! } : { type: 'secret', name: key };
}

function props(p: {
  tags?: Record<string, string>;
  expiresOn?: Date;
  createdOn?: Date;
  updatedOn?: Date;
  notBefore?: Date;
}): ObjectProperties {
  const out: ObjectProperties = {};
  if (p.tags) out.tags = p.tags;
  if (p.expiresOn) out.expiresOn = p.expiresOn;
  if (p.createdOn) out.createdOn = p.createdOn;
  if (p.updatedOn) out.updatedOn = p.updatedOn;
  if (p.notBefore) out.notBefore = p.notBefore;
  return out;
}

export class AzureSecretsClient implements SecretsClient {
  private readonly objects = new Map<string, Promise<VaultObject>>();
  /** First call per SDK client, which pays the bearer challenge; others wait for it. */
  private readonly warm = new Map<ObjectType | 'list', Promise<unknown>>();
  private readonly limit: <T>(fn: () => Promise<T>) => Promise<T>;
  private readonly where: string;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly cfg: AzureStoreConfig,
    private readonly clients: Clients,
  ) {
    this.limit = makeLimiter(ctx.concurrency);
    this.where = storeLabel(ctx.store);
  }

  private send<T>(fn: () => Promise<T>): Promise<T> {
    return this.limit(() => withRetry(this.ctx, fn, isRetryableHttp));
  }

  /**
   * The SDK learns the token scope from the first 401 challenge of each client. Letting one request
   * through first means concurrent reads do not each pay that extra round trip.
   */
  private async call<T>(client: ObjectType, fn: () => Promise<T>): Promise<T> {
    const first = this.warm.get(client);
    if (first) {
      await first.catch(() => undefined);
      return this.send(fn);
    }
    const p = this.send(fn);
    this.warm.set(client, p);
    return p;
  }

  private fail(action: string, e: unknown): never {
    if (e instanceof ProviderError || e instanceof NoSecretError) throw e;
    if (e instanceof AzurePathError) throw new ProviderError(`${this.where}: ${action}: ${e.message}`, { code: 'PathEscape' });
    const status = httpStatus(e);
    throw new ProviderError(`${this.where}: ${action} in ${this.cfg.vaultUrl}: ${describeHttpError(e)}`, {
      retryable: isRetryableHttp(e),
      code: status !== undefined ? String(status) : String((e as { code?: unknown })?.code ?? ''),
    });
  }

  private fetch(type: ObjectType, name: string, version: string | undefined): Promise<VaultObject> {
    const id = `${type}/${name}/${version ?? ''}`;
    let p = this.objects.get(id);
    if (!p) {
      p = this.fetchUncached(type, name, version);
      this.objects.set(id, p);
    }
    return p;
  }

  private async fetchUncached(type: ObjectType, name: string, version: string | undefined): Promise<VaultObject> {
    const abortSignal = this.ctx.signal;
    // The one path this read may request (the engine checked the name; the pipeline checks the URL).
    const collection = { secret: 'secrets', cert: 'certificates', key: 'keys' }[type];
    this.clients.expect(`/${collection}/${encodeURIComponent(name)}${version ? `/${encodeURIComponent(version)}` : ''}`);
    const label = { secret: 'secret', cert: 'certificate', key: 'key' }[type];
    try {
      if (type === 'secret') {
        const s = await this.call('secret', () => this.clients.secrets().getSecret(name, { abortSignal, ...(version ? { version } : {}) }));
        return { properties: props(s.properties), value: s.value ?? '' };
      }
      if (type === 'cert') {
        const certs = this.clients.certificates();
        const c = await this.call('cert', () =>
          version ? certs.getCertificateVersion(name, version, { abortSignal }) : certs.getCertificate(name, { abortSignal }),
        );
        return { properties: props(c.properties), cer: c.cer ?? new Uint8Array() };
      }
      const k = await this.call('key', () => this.clients.keys().getKey(name, { abortSignal, ...(version ? { version } : {}) }));
      return { properties: props(k.properties), key: (k.key ?? {}) as SdkJsonWebKey };
    } catch (e) {
      if (httpStatus(e) === 404) throw new NoSecretError(`${this.where}: ${label} ${name} version ${version || 'latest'}`);
      this.fail(`unable to get ${label} ${name} version ${version || 'latest'}`, e);
    }
  }

  private propertyError<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof AzurePropertyError) throw new ProviderError(`${this.where}: ${e.message}`);
      throw e;
    }
  }

  async getSecret(ref: RemoteRef): Promise<Uint8Array> {
    const { type, name } = objectType(ref.key);
    if (type !== 'secret' && type !== 'cert' && type !== 'key') {
      throw new ProviderError(`${this.where}: unknown Azure Keyvault object Type for ${name} (key ${ref.key}; use secret/, cert/ or key/)`);
    }
    const obj = await this.fetch(type, name, ref.version);
    if (ref.metadataPolicy === 'Fetch') {
      // The azcore path (useAzureSDK) returns the tags only; the legacy path adds the attribute times.
      return this.propertyError(() => secretTag(allMetadata(obj.properties, !this.cfg.useAzureSDK), ref.property));
    }
    if (type === 'cert') return obj.cer!;
    if (type === 'key') return this.propertyError(() => azureProperty(marshalJwk(obj.key!, { sorted: this.cfg.useAzureSDK }), ref.property, ref.key));
    return this.propertyError(() => azureProperty(obj.value!, ref.property, ref.key));
  }

  async getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>> {
    const { type, name } = objectType(ref.key);
    if (type === 'cert') throw new ProviderError(`${this.where}: cannot get use dataFrom to get certificate secret (key ${ref.key})`);
    if (type === 'key') throw new ProviderError(`${this.where}: cannot get use dataFrom to get key secret (key ${ref.key})`);
    const data = await this.getSecret(ref);
    if (ref.metadataPolicy === 'Fetch') {
      const obj = await this.fetch('secret', name, ref.version);
      return secretMapProperties(prefixedTags(name, obj.properties, !this.cfg.useAzureSDK), ref.key, ref.property);
    }
    try {
      return jsonToSecretMap(data);
    } catch (e) {
      throw new ProviderError(`${this.where}: secret ${ref.key}: error unmarshalling json data: ${(e as Error).message}`);
    }
  }

  async getAllSecrets(ref: FindRef): Promise<Map<string, Uint8Array>> {
    const tags = ref.tags ?? {};
    let matchName: (n: string) => boolean = () => true;
    if (ref.name?.regexp) {
      try {
        const re = compileGoRegexp(ref.name.regexp);
        matchName = (n) => re.test(n);
      } catch {
        // ESO ignores the compile error, so nothing matches.
        matchName = () => false;
      }
    }
    let names: string[] = [];
    this.clients.expect('/secrets');
    try {
      // A failed page ends the SDK's iterator, so a retry lists again from the first page.
      names = await this.call('secret', async () => {
        const found: string[] = [];
        for await (const page of this.clients.secrets().listPropertiesOfSecrets({ abortSignal: this.ctx.signal }).byPage()) {
          for (const p of page) {
            if (!p.id || p.enabled !== true) continue;
            if (!Object.entries(tags).every(([k, v]) => p.tags?.[k] === v)) continue;
            if (!matchName(p.name)) continue;
            // find.path is a name prefix here (ESO ignores it), so a find a policy confined stays confined.
            if (ref.path && !p.name.startsWith(ref.path)) continue;
            found.push(p.name);
          }
        }
        return found;
      });
    } catch (e) {
      this.fail('failed to list secrets', e);
    }
    const values = await Promise.all(names.map((n) => this.fetch('secret', n, undefined)));
    const out = new Map<string, Uint8Array>();
    names.forEach((n, i) => out.set(n, Buffer.from(values[i]!.value ?? '', 'utf8')));
    return out;
  }

  async close(): Promise<void> {
    this.clients.close();
  }
}
