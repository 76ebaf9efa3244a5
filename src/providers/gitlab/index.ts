// GitLab CI/CD variables provider (`spec.provider.gitlab`, docs/providers/gitlab.md). Loaded by the registry
// only when such a store is used. The access token comes only from the store's
// auth.SecretRef.accessToken (ctx.credentials): there is no ambient identity to fall back to, so an
// application's own store gets nothing from the sidecar.

import type { ProviderContext, SecretsClient } from '../types.js';
import { ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { baseUrlOf, checkStore, readStore } from './store-config.js';
import { GitLabHttp } from './http.js';
import { GitLabClient } from './client.js';

const FIELD = 'spec.provider.gitlab';

export function validateStore(spec: Record<string, unknown>): { field: string; message: string }[] {
  return checkStore(spec);
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** esutils.FetchCACertFromSource's base64decode: PEM as it is, else PEM after one more base64 decoding. */
function pemOf(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  if (PEM_CERT.test(text)) return text;
  const again = Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
  return PEM_CERT.test(again) ? again : undefined;
}

export async function createClient(ctx: ProviderContext, env: NodeJS.ProcessEnv = process.env): Promise<SecretsClient> {
  const where = storeLabel(ctx.store);
  const problems = checkStore(ctx.store.spec, { kind: ctx.store.kind, namespace: ctx.store.namespace });
  if (problems.length > 0) throw new ProviderError(`${where}: ${problems.map((p) => p.message).join('; ')}`);
  const cfg = readStore(ctx.store.spec);
  let base: URL;
  try {
    base = baseUrlOf(cfg, env).base;
  } catch (e) {
    throw new ProviderError(`${where}: ${(e as Error).message}`);
  }
  let ca: string | undefined;
  if (cfg.caBundle !== undefined || cfg.caProvider) {
    let raw: Buffer;
    let field: string;
    if (cfg.caBundle !== undefined) {
      raw = cfg.caBundle;
      field = `${FIELD}.caBundle`;
    } else {
      const cp = cfg.caProvider!;
      field = `${FIELD}.caProvider`;
      if (ctx.store.kind === 'SecretStore' && cp.namespace !== undefined && cp.namespace !== ctx.store.namespace) {
        throw new ProviderError(`${where}: failed to read ca bundle: namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore`);
      }
      if (ctx.store.kind === 'ClusterSecretStore' && cp.namespace === undefined) throw new ProviderError(`${where}: failed to read ca bundle: missing namespace on caProvider secret`);
      const ref = cp.namespace ? { name: cp.name, key: cp.key, namespace: cp.namespace } : { name: cp.name, key: cp.key };
      raw = Buffer.from(await ctx.credentials.resolve(ref, field));
    }
    ca = pemOf(raw);
    if (ca === undefined) throw new ProviderError(`${where}: ${field}: failed to read ca bundle: no PEM certificate in it`);
  }
  const token = Buffer.from(await ctx.credentials.resolve(cfg.token, `${FIELD}.auth.SecretRef.accessToken`)).toString('utf8');
  if (token === '' || /[\r\n\u0000]/.test(token)) throw new ProviderError(`${where}: the access token in auth.SecretRef.accessToken is empty or not one line`);
  const http = new GitLabHttp({
    base,
    token,
    ...(ca !== undefined ? { ca } : {}),
    signal: ctx.signal,
    deadline: ctx.deadline,
    concurrency: ctx.concurrency,
    countRequest: () => ctx.countRequest(),
    countRetry: () => ctx.countRetry(),
  });
  return new GitLabClient(ctx, cfg, http);
}
