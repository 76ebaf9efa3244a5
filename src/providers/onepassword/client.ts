// ESO's 1Password (Connect) provider, providers/v1/onepassword/onepassword.go at v2.9.0, over the thin
// Connect client: vaults searched in the store's order, items by title (or by native id), fields by
// label, files by name. Each vault, item and file is requested once per run and shared by every ref.

import type { FindRef, ProviderContext, RemoteRef, SecretsClient } from '../types.js';
import { ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { quote } from '../../common/remote-keys.js';
import { compileGoRegexp, type GoRegexp } from '../../common/go-regexp.js';
import { ConnectHttp, ConnectHttpError, ConnectPathError, ConnectTransportError } from './http.js';
import { goMapText, type OnePasswordStoreConfig } from './store-config.js';

/** A 1Password id (vault, item, file) per the Connect OpenAPI spec: what the SDK's isValidUUID accepts. */
const NATIVE_ID = /^[a-z0-9]{26}$/;

interface ItemField {
  label: string;
  value: string;
}
interface ItemFile {
  name: string;
  contentPath: string;
  /** The size Connect states for the file, when it does. */
  size?: number;
}
interface Item {
  id: string;
  title: string;
  vaultId: string;
  category: string;
  tags: string[];
  fields: ItemField[];
  files: ItemFile[];
}

const s = (v: unknown): string => (typeof v === 'string' ? v : '');
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const rec = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function toItem(v: unknown): Item {
  const o = rec(v);
  return {
    id: s(o['id']),
    title: s(o['title']),
    vaultId: s(rec(o['vault'])['id']),
    category: s(o['category']),
    tags: arr(o['tags']).map(s),
    fields: arr(o['fields']).map((f) => ({ label: s(rec(f)['label']), value: s(rec(f)['value']) })),
    files: arr(o['files']).map((f) => {
      const size = rec(f)['size'];
      return { name: s(rec(f)['name']), contentPath: s(rec(f)['content_path']), ...(typeof size === 'number' ? { size } : {}) };
    }),
  };
}

/** An error of one read, with ESO's wording after the store (and the key where ESO's text lacks it). */
class OpError extends Error {}

export class OnePasswordClient implements SecretsClient {
  private readonly where: string;
  private readonly vaultIds = new Map<string, Promise<string>>();
  private readonly found = new Map<string, Promise<Item>>();
  private readonly full = new Map<string, Promise<Item>>();
  private readonly lists = new Map<string, Promise<Item[]>>();
  private readonly contents = new Map<string, Promise<Uint8Array>>();

  constructor(
    ctx: ProviderContext,
    private readonly cfg: OnePasswordStoreConfig,
    private readonly http: ConnectHttp,
  ) {
    this.where = storeLabel(ctx.store);
  }

  private once<T>(cache: Map<string, Promise<T>>, key: string, fn: () => Promise<T>): Promise<T> {
    let p = cache.get(key);
    if (!p) cache.set(key, (p = fn()));
    return p;
  }

  /** A fixed description of a Connect failure (status, transport), never its body. */
  private describe(e: unknown): string {
    if (e instanceof ConnectHttpError || e instanceof ConnectTransportError || e instanceof ConnectPathError || e instanceof OpError) return e.message;
    throw e;
  }

  private fail(msg: string): never {
    throw new ProviderError(`${this.where}: ${msg}`);
  }

  private retryable(e: unknown): boolean {
    return (e instanceof ConnectHttpError || e instanceof ConnectTransportError) && e.retryable;
  }

  private wrap(prefix: string, e: unknown): never {
    if (e instanceof ProviderError) throw e;
    throw new ProviderError(`${this.where}: ${prefix}${this.describe(e)}`, { retryable: this.retryable(e) });
  }

  /** connect.GetVault: by id (`GET /v1/vaults/<id>`) or by title (the `title eq` filter, exactly one match). */
  private vaultId(name: string): Promise<string> {
    return this.once(this.vaultIds, name, async () => {
      let id: string;
      if (NATIVE_ID.test(name)) {
        id = s(rec(await this.http.getJson(`/v1/vaults/${name}`))['id']);
      } else {
        const vaults = arr(await this.http.getJson('/v1/vaults', { filter: `title eq "${name}"` }));
        if (vaults.length !== 1) throw new OpError(`Found ${vaults.length} vaults with title ${JSON.stringify(name)}`);
        id = s(rec(vaults[0])['id']);
      }
      if (!NATIVE_ID.test(id)) throw new ConnectPathError(`the Connect server answered for vault ${quote(name)} with an id that is not a 1Password id; refused to use it in a request path`);
      return id;
    });
  }

  /** connect.GetItemByUUID: the whole item (fields, files). */
  private item(itemId: string, vaultId: string): Promise<Item> {
    if (!NATIVE_ID.test(itemId) || !NATIVE_ID.test(vaultId)) {
      return Promise.reject(new ConnectPathError('the Connect server listed an item whose id is not a 1Password id; refused to use it in a request path'));
    }
    return this.once(this.full, `${vaultId}/${itemId}`, async () => toItem(await this.http.getJson(`/v1/vaults/${vaultId}/items/${itemId}`)));
  }

  /** connect.GetItems: the vault's item summaries (no fields). */
  private items(vaultId: string): Promise<Item[]> {
    return this.once(this.lists, vaultId, async () => arr(await this.http.getJson(`/v1/vaults/${vaultId}/items`)).map(toItem));
  }

  /** ESO's findItem: the first vault (in order) holding an item of that title; a native id is read from the first vault only. */
  private findItem(key: string): Promise<Item> {
    return this.once(this.found, key, async () => {
      for (const v of this.cfg.vaults) {
        let vaultId: string;
        try {
          vaultId = await this.vaultId(v.name);
        } catch (e) {
          this.wrap('error finding 1Password Vault: ', e);
        }
        if (NATIVE_ID.test(key)) {
          try {
            return await this.item(key, vaultId);
          } catch (e) {
            this.wrap(`key ${quote(key)}: `, e);
          }
        }
        let summaries: Item[];
        try {
          summaries = arr(await this.http.getJson(`/v1/vaults/${vaultId}/items`, { filter: `title eq "${key}"` })).map(toItem);
        } catch (e) {
          this.wrap(`key ${quote(key)}: error finding 1Password Item: `, e);
        }
        if (summaries.length > 1) this.fail(`expected one 1Password Item matching: '${key}', got ${summaries.length}`);
        if (summaries.length === 1) {
          try {
            return await this.item(summaries[0]!.id, summaries[0]!.vaultId || vaultId);
          } catch (e) {
            this.wrap(`key ${quote(key)}: error finding 1Password Item: `, e);
          }
        }
      }
      return this.fail(`key not found in 1Password Vaults: ${key} in: ${goMapText(this.cfg.vaults)}`);
    });
  }

  /** connect.GetFileContent: the file's `content_path`, which must be this item's file content path. */
  private content(item: Item, file: ItemFile, key: string): Promise<Uint8Array> {
    const m = /^\/v1\/vaults\/([a-z0-9]{26})\/items\/([a-z0-9]{26})\/files\/([a-z0-9]{1,64})\/content$/.exec(file.contentPath);
    if (!m || m[1] !== item.vaultId || m[2] !== item.id) {
      return Promise.reject(new ProviderError(`${this.where}: key ${quote(key)}: refused to request a file of the item: its content_path is not this item's file content path`));
    }
    return this.once(this.contents, file.contentPath, async () => {
      let body: Buffer;
      try {
        body = await this.http.get(file.contentPath);
      } catch (e) {
        this.wrap(`key ${quote(key)}: `, e);
      }
      // A file body has no framing of its own: a cut-off answer would pass for the file, so its size must be the stated one.
      if (file.size !== undefined && body.length !== file.size) {
        this.fail(`key ${quote(key)}: a file's content is ${body.length} bytes, not the ${file.size} bytes the Connect server states for it (a truncated answer?)`);
      }
      return new Uint8Array(body);
    });
  }

  /** getObjType: `field/` and `file/` prefixes; a DOCUMENT item's property names a file. */
  private objType(item: Item, property: string): ['field' | 'file', string] {
    if (property.startsWith('field/')) return ['field', property.slice(6)];
    if (property.startsWith('file/')) return ['file', property.slice(5)];
    return [item.category === 'DOCUMENT' ? 'file' : 'field', property];
  }

  private checkVersion(ref: RemoteRef): void {
    if (ref.version) this.fail(`key ${quote(ref.key)}: 'remoteRef.version' is not implemented in the 1Password provider`);
  }

  async getSecret(ref: RemoteRef): Promise<Uint8Array> {
    this.checkVersion(ref);
    const item = await this.findItem(ref.key);
    const [type, property] = this.objType(item, ref.property ?? '');
    if (type === 'file') {
      // The first file when no property names one.
      const file = item.files.find((f) => f.name === property || property === '');
      if (!file) this.fail(`error finding 1Password Document: '${ref.key}', '${property}'`);
      return this.content(item, file, ref.key);
    }
    const label = property || 'password';
    const n = item.fields.filter((f) => f.label === label).length;
    if (n !== 1) this.fail(`expected one 1Password ItemField matching: '${label}' in '${ref.key}', got ${n}`);
    return Buffer.from(item.fields.find((f) => f.label === label)!.value, 'utf8');
  }

  async getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>> {
    this.checkVersion(ref);
    const item = await this.findItem(ref.key);
    const [type, property] = this.objType(item, ref.property ?? '');
    const out = new Map<string, Uint8Array>();
    if (type === 'file') {
      const files = item.files.filter((f) => property === '' || f.name === property);
      const values = await Promise.all(files.map((f) => this.content(item, f, ref.key)));
      files.forEach((f, i) => out.set(f.name, values[i]!));
      return out;
    }
    for (const f of item.fields) {
      if (property !== '' && f.label !== property) continue;
      const n = item.fields.filter((g) => g.label === f.label).length;
      if (n !== 1) this.fail(duplicateLabel(property, ref.key, n));
      out.set(f.label, Buffer.from(f.value, 'utf8'));
    }
    return out;
  }

  async getAllSecrets(ref: FindRef): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    let matcher: GoRegexp | undefined;
    // find.New runs for each field or file ESO looks at, so a bad pattern fails only when there is one.
    const matches = (name: string): boolean => {
      if (!ref.name) return true;
      if (!matcher) {
        try {
          matcher = compileGoRegexp(ref.name.regexp);
        } catch (e) {
          this.fail(`could not compile find.name.regexp [${ref.name.regexp}]: ${(e as Error).message}`);
        }
      }
      return matcher.test(name);
    };
    const what = ref.tags !== undefined ? 'find.tags' : ref.path !== undefined ? `find.path ${quote(ref.path)}` : 'find.name';
    for (const v of this.cfg.vaults) {
      let vaultId: string;
      try {
        vaultId = await this.vaultId(v.name);
      } catch (e) {
        this.wrap('error finding 1Password Vault: ', e);
      }
      let summaries: Item[];
      try {
        summaries = await this.items(vaultId);
      } catch (e) {
        this.wrap(`${what}: error finding 1Password Item: `, e);
      }
      const picked = summaries.filter((it) =>
        ref.tags !== undefined ? Object.keys(ref.tags).every((t) => it.tags.includes(t)) : ref.path === undefined || ref.path === it.title,
      );
      // The whole items are fetched together (within the store's bound), then used in listing order.
      const fulls = await Promise.all(
        picked.map((it) =>
          this.item(it.id, it.vaultId || vaultId).catch((e: unknown) => this.wrap(`${what}: error finding 1Password Item: `, e)),
        ),
      );
      for (let i = 0; i < picked.length; i++) {
        const summary = picked[i]!;
        const full = fulls[i]!;
        // getAllFiles works on the listing's item, which Connect sends without files.
        for (const f of summary.files) {
          if (!matches(f.name) || out.has(f.name)) continue;
          out.set(f.name, await this.content(summary, f, what));
        }
        for (const f of full.fields) {
          const n = full.fields.filter((g) => g.label === f.label).length;
          if (n !== 1) this.fail(`${what}: ${duplicateLabel('', 'an item of the vault', n)}`);
          if (!matches(f.label)) continue;
          if (!out.has(f.label)) out.set(f.label, Buffer.from(f.value, 'utf8'));
        }
      }
      // ESO returns after the first vault when find.tags is set.
      if (ref.tags !== undefined) return out;
    }
    return out;
  }

  async close(): Promise<void> {
    this.http.close();
  }
}

/** ESO's "expected one 1Password ItemField matching: '<label>' in '<title>', got n", without the fetched label. */
function duplicateLabel(property: string, key: string, n: number): string {
  return property !== ''
    ? `expected one 1Password ItemField matching: '${property}' in '${key}', got ${n}`
    : `expected one 1Password ItemField matching: ${n} fields of '${key}' share one label`;
}
