// ESO's `vault` provider (eso-semantics §5.4). The registry loads this module only when a store uses it.

import { ProviderError } from '../types.js';
import type { ProviderContext, SecretsClient } from '../types.js';
import { VaultConnection } from './connection.js';
import { VaultKvClient } from './kv-client.js';
import { VaultSpecError, parseVaultSpec } from './store-spec.js';
import { storeLabel } from '../../common/store-label.js';


export async function createClient(ctx: ProviderContext): Promise<SecretsClient> {
  const label = storeLabel(ctx.store);
  let spec;
  try {
    spec = parseVaultSpec(ctx.store.spec);
  } catch (e) {
    throw new ProviderError(`${label}: ${(e as Error).message}`);
  }
  let conn: VaultConnection;
  try {
    conn = await VaultConnection.open(spec, {
      credentials: ctx.credentials,
      signal: ctx.signal,
      deadline: ctx.deadline,
      concurrency: ctx.concurrency,
      countRequest: (n) => ctx.countRequest(n),
      countRetry: () => ctx.countRetry(),
      ...(ctx.store.namespace ? { storeNamespace: ctx.store.namespace } : {}),
      ...(ctx.refuseAmbientIdentity ? { refuseAmbientIdentity: true } : {}),
      label,
    });
  } catch (e) {
    if (e instanceof ProviderError) throw e;
    throw new ProviderError(`${label}: ${(e as Error).message}`);
  }
  return new VaultKvClient(conn, label);
}

/** Admission-time checks ESO's ValidateStore makes that matter offline; fields relative to spec.provider.vault. */
export function validateStore(raw: Record<string, unknown>): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  try {
    const spec = parseVaultSpec(raw, '');
    try {
      new URL(spec.server);
    } catch {
      problems.push({ field: 'server', message: 'must be a URL' });
    }
    const a = spec.auth;
    if (a?.appRole && !a.appRole.roleId && !a.appRole.roleRef) {
      problems.push({ field: 'auth.appRole', message: 'neither `roleId` nor `roleRef` was supplied' });
    }
    if (a?.jwt?.kubernetesServiceAccountToken && !a.jwt.secretRef) {
      // Knowable before any request: render refuses it at authentication (auth.ts), so validate says so too.
      problems.push({
        field: 'auth.jwt.kubernetesServiceAccountToken',
        message: 'needs the Kubernetes TokenRequest API, which an offline render cannot call; use auth.jwt.secretRef (a JWT from the credentials directory)',
      });
    }
    if (a?.jwt && !a.jwt.secretRef && !a.jwt.kubernetesServiceAccountToken) {
      problems.push({ field: 'auth.jwt', message: 'neither `secretRef` nor `kubernetesServiceAccountToken` was supplied' });
    }
  } catch (e) {
    if (!(e instanceof VaultSpecError)) throw e;
    problems.push({ field: e.field.replace(/^\./, ''), message: e.reason });
  }
  return problems;
}
