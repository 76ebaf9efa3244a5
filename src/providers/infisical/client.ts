// ESO's Infisical provider, providers/v1/infisical/client.go at v2.9.0, over the thin REST client: a key
// is a secret name in the store's secretsPath, an absolute `/folder/NAME` or a relative `sub/NAME`
// (getSecretAddress); `data` reads `GET /v3/secrets/raw/<name>` with imports included and references
// expanded as the store says; `property` is a gjson path into the value; extract unmarshals the value as
// a JSON object; find lists the store's scope once (`GET /v3/secrets/raw`) and filters by name and by
// secret path prefix. Each secret and the listing are requested once per run, whatever the refs.

import type { FindRef, RemoteRef, SecretsClient } from '../types.js';
import { NoSecretError, ProviderError } from '../types.js';
import { quote, PathEscapeError } from '../../common/remote-keys.js';
import { compileGoRegexp } from '../../common/go-regexp.js';
import { gjsonGet } from '../shared/gjson.js';
import { jsonErrorClass, jsonToSecretMap } from '../shared/json-map.js';
import { InfisicalApiError, InfisicalHttp, InfisicalTransportError } from './http.js';
import type { InfisicalStoreConfig } from './store-config.js';

interface Secret {
  key: string;
  value: string;
  path: string;
}

const rec = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const s = (v: unknown): string => (typeof v === 'string' ? v : '');

function toSecret(v: unknown): Secret {
  const o = rec(v);
  return { key: s(o['secretKey']), value: s(o['secretValue']), path: s(o['secretPath']) };
}

/** Go's path.Clean for the absolute and relative folder paths getSecretAddress joins. */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** getSecretAddress: the folder and the secret name a key names. */
export function secretAddress(defaultPath: string, key: string): [string, string] {
  if (!key.includes('/')) return [defaultPath, key];
  const i = key.lastIndexOf('/');
  const folder = key.slice(0, i);
  const name = key.slice(i + 1);
  if (key.startsWith('/')) return [folder, name];
  return [goPathClean(`${defaultPath}/${folder}`), name];
}

export class InfisicalClient implements SecretsClient {
  private readonly secrets = new Map<string, Promise<Secret>>();
  private listing: Promise<Secret[]> | undefined;

  constructor(
    private readonly where: string,
    private readonly cfg: InfisicalStoreConfig,
    private readonly http: InfisicalHttp,
    /** The access token: the login's (made once, on first use) or the one given. */
    private readonly token: () => Promise<string>,
    /** Revoke the access token at close (every method but token auth, as ESO's Close). */
    private readonly revoke: boolean,
    private readonly signal: AbortSignal,
  ) {}

  private fail(msg: string, retryable = false): never {
    throw new ProviderError(`${this.where}: ${msg}`, { retryable });
  }

  private loggedIn = false;

  /** The token for a read; a failed login is this read's failure, named by `what` (its key or find). */
  private async auth(what: string): Promise<string> {
    try {
      const t = await this.token();
      this.loggedIn = true;
      return t;
    } catch (e) {
      if (e instanceof ProviderError) throw new ProviderError(`${this.where}: ${what}${e.message}`, { retryable: e.retryable });
      throw e;
    }
  }

  private wrap(prefix: string, e: unknown): never {
    if (e instanceof ProviderError || e instanceof NoSecretError) throw e;
    if (e instanceof InfisicalApiError || e instanceof InfisicalTransportError || e instanceof PathEscapeError) {
      this.fail(`${prefix}${e.message}`, (e instanceof InfisicalApiError || e instanceof InfisicalTransportError) && e.retryable);
    }
    throw e;
  }

  /** Secrets().Retrieve: one secret, imports included, references expanded as the store says. */
  private retrieve(key: string): Promise<Secret> {
    const [folder, name] = secretAddress(this.cfg.secretsPath, key);
    const secretPath = folder === '' ? '/' : folder;
    const id = `${secretPath}\u0000${name}`;
    let p = this.secrets.get(id);
    if (!p) {
      p = (async () => {
        const token = await this.auth(`key ${quote(key)}: `);
        let body: unknown;
        try {
          body = await this.http.json({
            operation: 'CallRetrieveSecretV3Raw',
            method: 'GET',
            path: `/v3/secrets/raw/${encodeURIComponent(name)}`,
            query: {
              workspaceSlug: this.cfg.projectSlug,
              environment: this.cfg.environmentSlug,
              secretPath,
              include_imports: 'true',
              type: 'shared',
              expandSecretReferences: String(this.cfg.expandSecretReferences),
            },
            token,
          });
        } catch (e) {
          // A 404 is ESO's NoSecretErr (deletionPolicy: Delete can prune the entry).
          if (e instanceof InfisicalApiError && e.status === 404) throw new NoSecretError(`key ${quote(key)}`);
          this.wrap(`key ${quote(key)}: `, e);
        }
        const secret = rec(rec(body)['secret']);
        if (typeof secret['secretValue'] !== 'string') this.fail(`key ${quote(key)}: the Infisical API answered without the secret's value (not the body Infisical sends)`, true);
        return toSecret(secret);
      })();
      this.secrets.set(id, p);
    }
    return p;
  }

  async getSecret(ref: RemoteRef): Promise<Uint8Array> {
    const secret = await this.retrieve(ref.key);
    if (ref.property) {
      // getPropertyValue: gjson.Get(value, property); a match that is not a JSON string is result.Str, empty.
      const r = gjsonGet(secret.value, ref.property);
      if (!r.exists) this.fail(`property ${ref.property} does not exist in secret ${ref.key}`);
      return r.kind === 'string' ? r.bytes : new Uint8Array();
    }
    return Buffer.from(secret.value, 'utf8');
  }

  async getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>> {
    const value = await this.getSecret(ref);
    try {
      return jsonToSecretMap(value);
    } catch (e) {
      const m = (e as Error).message;
      const cls = m.includes('cannot unmarshal') ? m.replace(/^unable to unmarshal secret: /, '') : jsonErrorClass(e);
      this.fail(`unable to unmarshal secret ${ref.key}: ${cls}`);
    }
  }

  /** Secrets().List over the store's scope: the SDK's de-duplication of a recursive listing, then imports. */
  private list(): Promise<Secret[]> {
    if (!this.listing) {
      this.listing = (async () => {
        const token = await this.auth(`find in ${this.cfg.secretsPath}: `);
        let body: unknown;
        try {
          body = await this.http.json({
            operation: 'CallListSecretsV3Raw',
            method: 'GET',
            path: '/v3/secrets/raw',
            query: {
              workspaceSlug: this.cfg.projectSlug,
              environment: this.cfg.environmentSlug,
              secretPath: this.cfg.secretsPath,
              expandSecretReferences: String(this.cfg.expandSecretReferences),
              include_imports: 'true',
              recursive: String(this.cfg.recursive),
            },
            token,
          });
        } catch (e) {
          this.wrap('', e);
        }
        const o = rec(body);
        if (!Array.isArray(o['secrets'])) this.fail('the Infisical API answered the listing without a secrets array (not the body Infisical sends)', true);
        let secrets = arr(o['secrets']).map(toSecret);
        if (this.cfg.recursive) {
          // EnsureUniqueSecretsByKey: one secret per key, the later one listed winning.
          const byKey = new Map<string, Secret>();
          for (const x of secrets) byKey.set(x.key, x);
          secrets = [...byKey.values()];
        }
        // Imported secrets are added where no secret of the scope has their key.
        const keys = new Set(secrets.map((x) => x.key));
        for (const imp of arr(o['imports'])) {
          for (const x of arr(rec(imp)['secrets']).map(toSecret)) {
            if (!keys.has(x.key)) {
              secrets.push(x);
              keys.add(x.key);
            }
          }
        }
        return secrets;
      })();
    }
    return this.listing;
  }

  async getAllSecrets(ref: FindRef): Promise<Map<string, Uint8Array>> {
    if (ref.tags !== undefined) this.fail('find by tags not supported');
    let matcher: ReturnType<typeof compileGoRegexp> | undefined;
    if (ref.name) {
      try {
        matcher = compileGoRegexp(ref.name.regexp);
      } catch (e) {
        this.fail(`could not compile find.name.regexp [${ref.name.regexp}]: ${(e as Error).message}`);
      }
    }
    const secrets = await this.list();
    const out = new Map<string, Uint8Array>();
    for (const x of secrets) {
      if (matcher && !matcher.test(x.key)) continue;
      if (ref.path !== undefined && !x.path.startsWith(ref.path)) continue;
      out.set(x.key, Buffer.from(x.value, 'utf8'));
    }
    return out;
  }

  async close(): Promise<void> {
    try {
      if (this.revoke && this.loggedIn && !this.signal.aborted) {
        const token = await this.token();
        await this.http
          .json({ operation: 'CallRevokeAccessToken', method: 'POST', path: '/v1/auth/token/revoke', body: { accessToken: token }, token, retry: false })
          .catch(() => undefined);
      }
    } finally {
      this.http.close();
    }
  }
}
