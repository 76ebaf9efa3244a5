// ESO's Fake provider (eso-semantics §5.1): entries indexed by key+version, exact version match,
// gjson property without the literal-dot fallback, find by name with the greatest version winning.

import type { FindRef, ProviderContext, RemoteRef, SecretsClient } from '../types.js';
import { NoSecretError } from '../types.js';
import { gjsonGet } from '../shared/gjson.js';
import { jsonToSecretMap } from '../shared/json-map.js';
import { convertKeys } from '../shared/keys.js';
import { compileGoRegexp } from '../../common/go-regexp.js';

interface Entry {
  key: string;
  value: string;
  version: string;
}

export function validateStore(spec: Record<string, unknown>): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const data = spec['data'];
  if (!Array.isArray(data)) return [{ field: 'data', message: 'data must be a list' }];
  data.forEach((d, i) => {
    const e = (d ?? {}) as Record<string, unknown>;
    if (typeof e['key'] !== 'string' || e['key'] === '') problems.push({ field: `data[${i}].key`, message: `key must be set in data ${i}` });
    if (typeof e['value'] !== 'string' || e['value'] === '')
      problems.push({ field: `data[${i}].value`, message: `at least one value must be set in data ${i}` });
  });
  return problems;
}

export class FakeClient implements SecretsClient {
  private readonly byKeyVersion = new Map<string, Entry>();
  /** Lookups already counted: one "request" per key and version, as a real backend read would be. */
  private readonly counted = new Set<string>();

  constructor(entries: Entry[], private readonly ctx?: ProviderContext) {
    // ESO indexes by the plain concatenation key+version; later entries overwrite earlier ones.
    for (const e of entries) this.byKeyVersion.set(e.key + e.version, e);
  }

  private lookup(ref: RemoteRef): Entry {
    const id = `${ref.key}\u0000${ref.version ?? ''}`;
    if (!this.counted.has(id)) {
      this.counted.add(id);
      this.ctx?.countRequest();
    }
    const e = this.byKeyVersion.get(ref.key + (ref.version ?? ''));
    if (!e || e.version !== (ref.version ?? '')) {
      // Names only: the keys and versions the store's manifest lists, never a value.
      const versions = [...this.byKeyVersion.values()].filter((x) => x.key === ref.key).map((x) => x.version);
      if (versions.length === 0) throw new NoSecretError(`the fake store has no key ${ref.key}`);
      const shown = versions.map((v) => (v === '' ? 'no version' : `version ${v}`)).join(', ');
      throw new NoSecretError(`the fake store has key ${ref.key} with ${shown}, not ${ref.version ? `version ${ref.version}` : 'without a version'}`);
    }
    return e;
  }

  async getSecret(ref: RemoteRef): Promise<Uint8Array> {
    const e = this.lookup(ref);
    if (ref.property) {
      const r = gjsonGet(e.value, ref.property);
      if (!r.exists) throw new NoSecretError(`key ${ref.key} exists, but has no property ${ref.property}`);
      return r.bytes;
    }
    return Buffer.from(e.value, 'utf8');
  }

  async getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>> {
    const value = await this.getSecret(ref);
    return jsonToSecretMap(value);
  }

  async getAllSecrets(ref: FindRef): Promise<Map<string, Uint8Array>> {
    this.ctx?.countRequest();
    if (!ref.name) throw new Error('unsupported find operator');
    const re = compileGoRegexp(ref.name.regexp);
    const latest = new Map<string, Entry>();
    for (const e of this.byKeyVersion.values()) {
      if (!re.test(e.key)) continue;
      const cur = latest.get(e.key);
      // Plain string comparison, as ESO: "2" > "10".
      if (!cur || e.version > cur.version) latest.set(e.key, e);
    }
    const out = new Map<string, Uint8Array>();
    for (const [k, e] of latest) out.set(k, Buffer.from(e.value, 'utf8'));
    return convertKeys(out, ref.conversionStrategy);
  }
}

export async function createClient(ctx: ProviderContext): Promise<SecretsClient> {
  const data = (ctx.store.spec['data'] ?? []) as Array<Record<string, unknown>>;
  const entries = data.map((d) => ({
    key: String(d['key'] ?? ''),
    value: String(d['value'] ?? ''),
    version: d['version'] === undefined || d['version'] === null ? '' : String(d['version']),
  }));
  return new FakeClient(entries, ctx);
}
