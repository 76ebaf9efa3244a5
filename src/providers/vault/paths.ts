// Where a remote key lives in Vault's HTTP API, exactly as ESO's buildPath/buildMetadataPath compute it
// (providers/v1/vault/client_get.go), including their quirks (eso-semantics §5.4).

export interface PathConfig {
  /** The store's `path` (KV mount); undefined when not set. */
  mount?: string;
  version: 'v1' | 'v2';
}

/** The logical path a read of `key` goes to. */
export function buildPath(cfg: PathConfig, key: string): string {
  let out = key;
  if (cfg.mount !== undefined) {
    const cut = cfg.mount + '/';
    if (out.startsWith(cut)) {
      // ESO strips the mount (and a following `data/` on v2) before re-adding them.
      out = out.slice(cut.length);
      if (cfg.version === 'v2' && out.startsWith('data/')) out = out.slice('data/'.length);
    }
    const parts = cfg.mount.split('/');
    if (cfg.version === 'v2') parts.push('data');
    return [...parts, ...out.split('/')].join('/');
  }
  if (cfg.version === 'v2' && !out.includes('/data/')) {
    const segs = out.split('/');
    return [segs[0]!, 'data', ...segs.slice(1)].join('/');
  }
  return out;
}

/** The metadata path of `key` (KV v2), or the v1 listing path. Throws ESO's messages where ESO errors. */
export function buildMetadataPath(cfg: PathConfig, key: string): string {
  if (cfg.version === 'v1') {
    // ESO dereferences the unset mount here (a nil-pointer panic); we report it instead.
    if (cfg.mount === undefined) throw new Error('a KV v1 store needs spec.provider.vault.path to list or read metadata');
    return `${cfg.mount}/${key}`;
  }
  if (cfg.mount === undefined) {
    if (!key.includes('data')) throw new Error("provided Path isn't a valid kv v2 path");
    return key.replace('/data/', '/metadata/');
  }
  return `${cfg.mount}/metadata/${key}`;
}

/**
 * What every request for a key must stay under (checked on the final URL by http.ts): the mount, with
 * `data` or `metadata` on KV v2; without a mount, the first segment of the built path (its mount).
 */
export function mountPrefix(cfg: PathConfig, built: string, kind: 'data' | 'metadata'): string {
  if (cfg.mount !== undefined) return cfg.version === 'v2' ? `${cfg.mount}/${kind}` : cfg.mount;
  return built.split('/').find((s) => s !== '') ?? '';
}
