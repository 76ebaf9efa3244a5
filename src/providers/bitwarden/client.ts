// ESO's Bitwarden Secrets Manager provider (providers/v1/bitwarden/client.go, v2.9.0) over the thin SDK
// server client: a key that is a UUID is read by id (`GET /rest/api/1/secret {"id"}`); any other key is a
// secret name, found by listing the organization's secrets (`GET /rest/api/1/secrets {"organizationID"}`)
// and reading each one of that name to keep the one in the store's project (two there is an error).
// `property`, `version` and `metadataPolicy` are not read by ESO's provider, and neither is anything of a
// `find`: it returns every secret of the organization, keyed by id. The listing and each secret are
// requested once per run, whatever the number of refs that need them.

import type { FindRef, ProviderContext, RemoteRef, SecretsClient } from '../types.js';
import { ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { quote } from '../../common/remote-keys.js';
import { SdkHttp, SdkStatusError, SdkTransportError } from './http.js';
import { SecretMapError, secretMap } from './secret-map.js';
import type { BitwardenStoreConfig } from './store-config.js';

/** kube-openapi's strfmt.IsUUID, which ESO calls: 8-4-4-4-12 hex digits, the dashes optional, any case. */
export const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

interface Secret {
  id: string;
  key: string;
  projectId?: string;
  value: string;
}
interface Identifier {
  id: string;
  key: string;
}

const rec = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const s = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A failure already worded as ESO words it (after the store label). */
class EsoError extends Error {
  constructor(
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

export class BitwardenClient implements SecretsClient {
  private readonly where: string;
  private readonly secrets = new Map<string, Promise<Secret>>();
  private list: Promise<Identifier[]> | undefined;

  constructor(
    ctx: ProviderContext,
    private readonly cfg: BitwardenStoreConfig,
    private readonly http: SdkHttp,
  ) {
    this.where = storeLabel(ctx.store);
  }

  /** SdkClient.GetSecret: "failed to get secret: <transport>". */
  private secret(id: string): Promise<Secret> {
    let p = this.secrets.get(id);
    if (!p) {
      p = this.http.getJson('/rest/api/1/secret', { id }).then(
        (body) => {
          const o = rec(body);
          const projectId = o['projectId'];
          return { id: s(o['id']), key: s(o['key']), value: s(o['value']), ...(typeof projectId === 'string' ? { projectId } : {}) };
        },
        (e: unknown) => {
          throw wrap('failed to get secret: ', e);
        },
      );
      this.secrets.set(id, p);
    }
    return p;
  }

  /** SdkClient.ListSecrets: "failed to list secrets: <transport>". */
  private identifiers(): Promise<Identifier[]> {
    this.list ??= this.http.getJson('/rest/api/1/secrets', { organizationID: this.cfg.organizationId }).then(
      (body) => {
        const data = rec(body)['data'];
        return (Array.isArray(data) ? data : []).map((d) => ({ id: s(rec(d)['id']), key: s(rec(d)['key']) }));
      },
      (e: unknown) => {
        throw wrap('failed to list secrets: ', e);
      },
    );
    return this.list;
  }

  private fail(e: unknown, what: string): never {
    if (e instanceof EsoError) throw new ProviderError(`${this.where}: ${what}${e.message}`, { retryable: e.retryable });
    throw e;
  }

  /** findSecretByRef: the one secret of that name in the store's project, or undefined. */
  private async byName(key: string): Promise<Secret | undefined> {
    let ids: Identifier[];
    try {
      ids = await this.identifiers();
    } catch (e) {
      this.fail(e, 'failed to get secret: failed to get all secrets: ');
    }
    const candidates = ids.filter((d) => d.key === key);
    // ESO reads them one after the other; here they are read together (within the store's bound).
    const read = await Promise.all(candidates.map((d) => this.secret(d.id).catch((e: unknown) => this.fail(e, 'failed to get secret: failed to get secret: '))));
    const inProject = read.filter((x) => x.projectId !== undefined && x.projectId === this.cfg.projectId);
    if (inProject.length > 1) {
      throw new ProviderError(`${this.where}: failed to get secret: more than one secret found for project ${this.cfg.projectId} with key ${key}`);
    }
    return inProject[0];
  }

  async getSecret(ref: RemoteRef): Promise<Uint8Array> {
    if (UUID.test(ref.key)) {
      try {
        return Buffer.from((await this.secret(ref.key)).value, 'utf8');
      } catch (e) {
        this.fail(e, 'failed to get secret: ');
      }
    }
    const found = await this.byName(ref.key);
    if (!found) throw new ProviderError(`${this.where}: no secret found for project id ${this.cfg.projectId} and name ${ref.key}`);
    return Buffer.from(found.value, 'utf8');
  }

  async getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>> {
    const value = Buffer.from(await this.getSecret(ref)).toString('utf8');
    try {
      return secretMap(value);
    } catch (e) {
      if (e instanceof SecretMapError) throw new ProviderError(`${this.where}: key ${quote(ref.key)}: ${e.message}`);
      throw e;
    }
  }

  async getAllSecrets(_ref: FindRef): Promise<Map<string, Uint8Array>> {
    let ids: Identifier[];
    try {
      ids = await this.identifiers();
    } catch (e) {
      this.fail(e, 'failed to get all secrets: ');
    }
    const values = await Promise.all(ids.map((d) => this.secret(d.id).catch((e: unknown) => this.fail(e, 'failed to get secret: '))));
    const out = new Map<string, Uint8Array>();
    ids.forEach((d, i) => out.set(d.id, Buffer.from(values[i]!.value, 'utf8')));
    return out;
  }

  async close(): Promise<void> {
    this.http.close();
  }
}

function wrap(prefix: string, e: unknown): EsoError {
  if (e instanceof SdkStatusError || e instanceof SdkTransportError) return new EsoError(prefix + e.message, e.retryable);
  if (e instanceof EsoError) return e;
  return new EsoError(`${prefix}${(e as Error)?.name ?? 'Error'}`);
}
