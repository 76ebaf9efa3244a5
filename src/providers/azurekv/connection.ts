// Builds the credential (@azure/identity) and the Key Vault clients (@azure/keyvault-*) for a store.
// This folder is the only place that imports the Azure SDKs, and only when an azurekv store is used.

import { readFileSync } from 'node:fs';
import https from 'node:https';
import tls, { rootCertificates } from 'node:tls';
import type { LookupFunction } from 'node:net';
import type { ProviderContext } from '../types.js';
import { ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { ambientIdentityRefused } from '../shared/ambient.js';
import { withAttemptTimeout } from '../shared/request-timeout.js';
import type { AzureStoreConfig } from './store-config.js';

import type { TokenCredential, TokenCredentialOptions } from '@azure/identity';
import type { SecretClient } from '@azure/keyvault-secrets';
import type { KeyClient } from '@azure/keyvault-keys';
import type { CertificateClient } from '@azure/keyvault-certificates';

/** Environment variables read when an azurekv store is used (documented in docs/providers/azurekv.md). */
export const ENV = {
  /** PEM file of extra CAs trusted for Key Vault and token endpoint connections (added to Node's roots). */
  caFile: 'ESO_RENDER_AZUREKV_CA_FILE',
  /** An IP address that the vault's host name is resolved to (a private endpoint without DNS, a test server). */
  vaultAddress: 'ESO_RENDER_AZUREKV_VAULT_ADDRESS',
} as const;

/** Entra ID hosts per ESO environmentType (the legacy SDK's table). */
const AUTHORITY_HOSTS: Record<string, string> = {
  PublicCloud: 'https://login.microsoftonline.com/',
  ChinaCloud: 'https://login.chinacloudapi.cn/',
  USGovernmentCloud: 'https://login.microsoftonline.us/',
  GermanCloud: 'https://login.microsoftonline.de/',
};
const KNOWN_HOSTS = new Set(Object.values(AUTHORITY_HOSTS).map((h) => new URL(h).host));

const WI_CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
const WI_TENANT_ID_ANNOTATION = 'azure.workload.identity/tenant-id';

export interface Clients {
  secrets(): SecretClient;
  keys(): KeyClient;
  certificates(): CertificateClient;
  /** Drops pooled connections of our own agent (the SDK's default agents unref theirs). */
  close(): void;
  /**
   * Declares the object path (`/secrets/<name>[/<version>]`, `/keys/…`, `/certificates/…`, or `/secrets`
   * for a find) a read is about to request. Every request path is checked against the declared ones after
   * URL normalisation (the SDK's URL builder and ours); any other path is refused unsent (pathGuardPolicy).
   */
  expect(path: string): void;
}

/** A request refused before it was sent: its path is not one a read declared. */
export class AzurePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AzurePathError';
  }
}

/**
 * The last check before a Key Vault request leaves: the path the SDK built must be unchanged by URL
 * normalisation (no dot segment, no encoded separator) and be a declared path. The SDK's own URL builder
 * already resolves `.` segments (`/secrets/.` becomes `/secrets/`, the list), which is why the paths are
 * declared exactly rather than checked by shape.
 */
export function pathGuardPolicy(allowed: ReadonlySet<string>) {
  return {
    name: 'esoRenderPathGuard',
    sendRequest: (req: unknown, next: (r: unknown) => Promise<unknown>) => {
      const raw = String((req as { url?: unknown }).url ?? '');
      const rawPath = raw.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/)[0] ?? '';
      let parsed: string;
      try {
        parsed = new URL(raw).pathname;
      } catch {
        return Promise.reject(new AzurePathError('refused to send the request: its URL does not parse'));
      }
      const p = parsed.length > 1 && parsed.endsWith('/') ? parsed.slice(0, -1) : parsed;
      if (rawPath !== parsed) return Promise.reject(new AzurePathError('refused to send the request: its path changed when the URL was normalised (a dot segment or an encoded separator)'));
      if (!allowed.has(p)) return Promise.reject(new AzurePathError('refused to send the request: its path is not the object the key names'));
      return next(req);
    },
  };
}

type Sdk = {
  identity: typeof import('@azure/identity');
  secrets: typeof import('@azure/keyvault-secrets');
  keys: typeof import('@azure/keyvault-keys');
  certificates: typeof import('@azure/keyvault-certificates');
};

function extraCa(where: string): string[] | undefined {
  const file = process.env[ENV.caFile];
  if (!file) return undefined;
  try {
    return [...rootCertificates, readFileSync(file, 'utf8')];
  } catch (e) {
    throw new ProviderError(`${where}: cannot read ${ENV.caFile} ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

export function authorityHost(cfg: AzureStoreConfig, where: string): string {
  // AZURE_AUTHORITY_HOST (the identity library's own variable) wins, then ESO's store fields.
  const fromEnv = process.env['AZURE_AUTHORITY_HOST'];
  if (fromEnv) return fromEnv;
  if (cfg.useAzureSDK && cfg.activeDirectoryEndpoint) return cfg.activeDirectoryEndpoint;
  if (cfg.useAzureSDK && cfg.environmentType === 'GermanCloud') {
    throw new ProviderError(`${where}: Azure Germany (Microsoft Cloud Deutschland) was discontinued on October 29, 2021`);
  }
  const host = AUTHORITY_HOSTS[cfg.environmentType];
  if (!host) throw new ProviderError(`${where}: environmentType ${cfg.environmentType} needs customCloudConfig with useAzureSDK: true`);
  return host;
}

async function text(ctx: ProviderContext, ref: AzureStoreConfig['clientId'], field: string): Promise<string> {
  return Buffer.from(await ctx.credentials.resolve(ref!, `spec.provider.azurekv.${field}`)).toString('utf8').trim();
}

async function buildCredential(ctx: ProviderContext, cfg: AzureStoreConfig, sdk: Sdk, ca: string[] | undefined): Promise<TokenCredential> {
  const where = storeLabel(ctx.store);
  if (ctx.refuseAmbientIdentity && cfg.authType !== 'ServicePrincipal') {
    // Managed identity is the node's or pod's; workload identity offline is the sidecar's own projected token.
    throw ambientIdentityRefused(
      where,
      cfg.authType === 'ManagedIdentity' ? "the sidecar's managed identity (instance metadata)" : "the sidecar's workload identity (AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID)",
      'spec.provider.azurekv.authType: ServicePrincipal with authSecretRef',
    );
  }
  const host = authorityHost(cfg, where);
  const common = {
    authorityHost: host,
    // Instance discovery asks login.microsoftonline.com about unknown authorities; skip it for
    // sovereign/custom/loopback hosts whose metadata is read from the host itself.
    disableInstanceDiscovery: !KNOWN_HOSTS.has(new URL(host).host),
    ...(ca ? { tlsOptions: { ca } } : {}),
    // Token requests get the per-request timeout too (not counted: they are not Key Vault requests).
    additionalPolicies: [{ policy: attemptPolicy(ctx, 'esoRenderTokenRequestTimeout', false), position: 'perRetry' }] as unknown as TokenCredentialOptions['additionalPolicies'],
  };
  switch (cfg.authType) {
    case 'ServicePrincipal': {
      if (!cfg.tenantId) throw new ProviderError(`${where}: missing tenantID in store config`);
      if (!cfg.clientId || (!cfg.clientSecret && !cfg.clientCertificate)) {
        throw new ProviderError(`${where}: authSecretRef.clientId and authSecretRef.clientSecret (or clientCertificate) are required for ServicePrincipal`);
      }
      if (cfg.clientSecret && cfg.clientCertificate) throw new ProviderError(`${where}: both clientSecret and clientCertificate set`);
      const clientId = await text(ctx, cfg.clientId, 'authSecretRef.clientId');
      if (cfg.clientSecret) {
        const secret = await text(ctx, cfg.clientSecret, 'authSecretRef.clientSecret');
        return new sdk.identity.ClientSecretCredential(cfg.tenantId, clientId, secret, common);
      }
      const pem = await text(ctx, cfg.clientCertificate, 'authSecretRef.clientCertificate');
      return new sdk.identity.ClientCertificateCredential(cfg.tenantId, clientId, { certificate: pem }, common);
    }
    case 'ManagedIdentity':
      return cfg.identityId
        ? new sdk.identity.ManagedIdentityCredential({ clientId: cfg.identityId, ...common })
        : new sdk.identity.ManagedIdentityCredential(common);
    case 'WorkloadIdentity': {
      // Offline there is no TokenRequest API: the token is the renderer's own projected token
      // (AZURE_FEDERATED_TOKEN_FILE, set by the workload identity webhook on the sidecar). The
      // client and tenant IDs come from the store, the referenced ServiceAccount or the environment.
      let clientId = cfg.clientId ? await text(ctx, cfg.clientId, 'authSecretRef.clientId') : undefined;
      let tenantId = cfg.tenantIdRef ? await text(ctx, cfg.tenantIdRef, 'authSecretRef.tenantId') : cfg.tenantId;
      if (cfg.serviceAccount) {
        const ns = (ctx.store.kind === 'ClusterSecretStore' ? cfg.serviceAccount.namespace : ctx.store.namespace) ?? '';
        const sa = ctx.credentials.serviceAccount(cfg.serviceAccount.name, ns);
        const ann = sa?.metadata?.annotations ?? {};
        clientId ??= ann[WI_CLIENT_ID_ANNOTATION];
        tenantId ??= ann[WI_TENANT_ID_ANNOTATION];
      }
      clientId ??= process.env['AZURE_CLIENT_ID'];
      tenantId ??= process.env['AZURE_TENANT_ID'];
      const tokenFilePath = process.env['AZURE_FEDERATED_TOKEN_FILE'];
      if (!clientId || !tenantId || !tokenFilePath) {
        throw new ProviderError(
          `${where}: WorkloadIdentity needs a client ID (authSecretRef.clientId, the ServiceAccount annotation ${WI_CLIENT_ID_ANNOTATION} or AZURE_CLIENT_ID), a tenant ID (tenantId or AZURE_TENANT_ID) and AZURE_FEDERATED_TOKEN_FILE`,
        );
      }
      return new sdk.identity.WorkloadIdentityCredential({ clientId, tenantId, tokenFilePath, ...common });
    }
  }
}

/** Resolves the vault's host name to a fixed address (ESO_RENDER_AZUREKV_VAULT_ADDRESS). */
function fixedLookup(address: string): LookupFunction {
  const family = address.includes(':') ? 6 : 4;
  return ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (opts?.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  }) as unknown as LookupFunction;
}

/**
 * A pipeline policy giving each HTTP request its own timeout covering the whole body (the SDK's
 * request.timeout stops at the headers); a timed-out attempt fails as ETIMEDOUT, which the provider's
 * retry loop (and the identity library's, for token requests) tries again inside the deadline.
 */
function attemptPolicy(ctx: ProviderContext, name: string, count: boolean) {
  // The same request object may pass twice (the bearer challenge); each pass follows the caller's signal.
  const callerSignals = new WeakMap<object, AbortSignal>();
  return {
    name,
    sendRequest: (req: unknown, next: (r: unknown) => Promise<unknown>) => {
      if (count) ctx.countRequest();
      const r = req as { abortSignal?: AbortSignal };
      let outer = callerSignals.get(r);
      if (!outer) callerSignals.set(r, (outer = r.abortSignal ?? ctx.signal));
      return withAttemptTimeout(outer, ctx.deadline, (signal) => {
        r.abortSignal = signal;
        return next(req);
      });
    },
  };
}

export async function connect(ctx: ProviderContext, cfg: AzureStoreConfig): Promise<Clients> {
  const where = storeLabel(ctx.store);
  const [identity, secrets, keys, certificates] = await Promise.all([
    import('@azure/identity'),
    import('@azure/keyvault-secrets'),
    import('@azure/keyvault-keys'),
    import('@azure/keyvault-certificates'),
  ]);
  const sdk: Sdk = { identity, secrets, keys, certificates };
  const ca = extraCa(where);
  const credential = await buildCredential(ctx, cfg, sdk, ca);

  const allowed = new Set<string>();
  const address = process.env[ENV.vaultAddress];
  // One TLS context for the whole run: an agent given `ca` joins ~140 roots into its key and parses them
  // for every new connection (the benchmark measured ~600 ms of CPU for 200 requests).
  const secureContext = ca ? tls.createSecureContext({ ca }) : undefined;
  const agent = address || ca ? new https.Agent({ keepAlive: true, ...(secureContext ? { secureContext } : {}), ...(address ? { lookup: fixedLookup(address) } : {}) }) : undefined;
  const options = {
    // Retries run in the provider (counted, bounded by the run's deadline), not in the SDK.
    retryOptions: { maxRetries: 0 },
    // Counts every HTTP request that leaves the pipeline, the bearer challenge round trip included, and
    // gives each one its own timeout (see attemptPolicy).
    additionalPolicies: [
      { policy: pathGuardPolicy(allowed), position: 'perCall' as const },
      { policy: attemptPolicy(ctx, 'esoRenderRequestCounter', true), position: 'perRetry' as const },
    ],
    userAgentOptions: { userAgentPrefix: 'eso-render' },
    ...(agent ? { agent } : {}),
  };
  let s: SecretClient | undefined;
  let k: KeyClient | undefined;
  let c: CertificateClient | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const opts = options as any;
  return {
    secrets: () => (s ??= new sdk.secrets.SecretClient(cfg.vaultUrl, credential, opts)),
    keys: () => (k ??= new sdk.keys.KeyClient(cfg.vaultUrl, credential, opts)),
    certificates: () => (c ??= new sdk.certificates.CertificateClient(cfg.vaultUrl, credential, opts)),
    close: () => agent?.destroy(),
    expect: (p: string) => void allowed.add(p),
  };
}
