// Bitwarden Secrets Manager provider (`spec.provider.bitwardensecretsmanager`), as ESO v2.9.0 reaches it:
// through the Bitwarden SDK server's REST API (providers/v1/bitwarden). Loaded by the registry only when
// such a store is used. The machine account token comes only from auth.secretRef.credentials
// (ctx.credentials), and the SDK server's CA only from caBundle or caProvider: there is no ambient
// identity or environment variable to fall back to, so an application's own store gets nothing from the
// sidecar.

import type { ProviderContext, SecretsClient } from '../types.js';
import { ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { FIELD, checkStore, readStore, type BitwardenStoreConfig } from './store-config.js';
import { SdkHttp } from './http.js';
import { BitwardenClient } from './client.js';

export function validateStore(spec: Record<string, unknown>): { field: string; message: string }[] {
  return checkStore(spec);
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** esutils.FetchCACertFromSource + AppendCertsFromPEM: the PEM to trust, or ESO's error. */
async function caPem(ctx: ProviderContext, cfg: BitwardenStoreConfig): Promise<string> {
  const https = 'could not create SdkClient: error creating https client: ';
  if (cfg.caBundle !== undefined) {
    // ESO's base64decode: the bytes as a certificate, else decoded as base64 (standard or URL alphabet).
    let pem = cfg.caBundle;
    if (!PEM_CERT.test(pem)) {
      const b64 = pem.replace(/\s+/g, '');
      pem = /^[A-Za-z0-9+/_-]+={0,2}$/.test(b64) ? Buffer.from(b64.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8') : '';
      if (!PEM_CERT.test(pem)) throw new ProviderError(`${storeLabel(ctx.store)}: ${https}failed to decode ca bundle: ${FIELD}.caBundle is neither a PEM certificate nor base64 of one`);
    }
    return pem;
  }
  if (cfg.caProvider) {
    const cp = cfg.caProvider;
    if (ctx.store.kind === 'SecretStore' && cp.namespace !== undefined && cp.namespace !== ctx.store.namespace) {
      throw new ProviderError(`${storeLabel(ctx.store)}: ${https}namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore (${FIELD}.caProvider.namespace)`);
    }
    if (ctx.store.kind === 'ClusterSecretStore' && cp.namespace === undefined) {
      throw new ProviderError(`${storeLabel(ctx.store)}: ${https}missing namespace on caProvider secret (${FIELD}.caProvider.namespace)`);
    }
    // The resolver reads Secrets; a ConfigMap CA is looked up through the same credentials source, as for Vault.
    const ref = cp.namespace !== undefined ? { name: cp.name, key: cp.key, namespace: cp.namespace } : { name: cp.name, key: cp.key };
    const pem = Buffer.from(await ctx.credentials.resolve(ref, `${FIELD}.caProvider`)).toString('utf8');
    if (!PEM_CERT.test(pem)) throw new ProviderError(`${storeLabel(ctx.store)}: ${https}failed to append caBundle (${FIELD}.caProvider holds no PEM certificate)`);
    return pem;
  }
  // ESO's pool of no certificate: AppendCertsFromPEM(nil) fails, whatever the URL's scheme.
  throw new ProviderError(`${storeLabel(ctx.store)}: ${https}failed to append caBundle (set ${FIELD}.caBundle or caProvider: ESO trusts only the store's CA for the SDK server)`);
}

export async function createClient(ctx: ProviderContext): Promise<SecretsClient> {
  const where = storeLabel(ctx.store);
  const problems = checkStore(ctx.store.spec);
  if (problems.length > 0) throw new ProviderError(`${where}: ${problems.map((p) => p.message).join('; ')}`);
  const cfg = readStore(ctx.store.spec);
  const raw = Buffer.from(await ctx.credentials.resolve(cfg.credentials, `${FIELD}.auth.secretRef.credentials`)).toString('utf8');
  // A trailing newline of a hand-written credentials file is dropped; anything else that cannot be a header is refused.
  const token = raw.replace(/\r?\n$/, '');
  if (token === '' || /[\u0000-\u001f\u007f]/.test(token)) {
    throw new ProviderError(`${where}: could not resolve auth credentials: the access token in ${FIELD}.auth.secretRef.credentials is empty or not one line`);
  }
  const ca = await caPem(ctx, cfg);
  const http = new SdkHttp({
    sdkUrl: cfg.sdkUrl,
    token,
    apiUrl: cfg.apiUrl,
    identityUrl: cfg.identityUrl,
    ca,
    signal: ctx.signal,
    deadline: ctx.deadline,
    concurrency: ctx.concurrency,
    countRequest: () => ctx.countRequest(),
    countRetry: () => ctx.countRetry(),
  });
  return new BitwardenClient(ctx, cfg, http);
}
