// Builds the real Secret Manager client for a store: endpoint (global, regional, or an override from
// the environment) and credentials (a service account key from the store, or Application Default
// Credentials). This file and client.ts are the only places that touch the Google libraries.

import { readFileSync } from 'node:fs';
import type { ProviderContext } from '../types.js';
import { ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { ambientIdentityRefused } from '../shared/ambient.js';
import { withRetry } from '../shared/retry.js';
import { attemptTimeoutMs } from '../shared/request-timeout.js';
import type { GcpStoreConfig } from './store-config.js';

import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Environment variables read when a gcpsm store is used (documented in docs/providers/gcpsm.md). */
export const ENV = {
  /** host:port that replaces the service endpoint (an emulator or a test server). */
  endpoint: 'ESO_RENDER_GCPSM_ENDPOINT',
  /** `true`: plaintext gRPC and no credentials at all; only honoured together with the endpoint override. */
  insecure: 'ESO_RENDER_GCPSM_INSECURE',
  /** PEM file of the CA that signed the override endpoint's certificate. */
  caFile: 'ESO_RENDER_GCPSM_CA_FILE',
} as const;

export interface Connection {
  /** The current client; a new one replaces it after reconnect(). */
  readonly client: SecretManagerServiceClient;
  projectID: string;
  /**
   * Drops `stale` (if it is still the current client) for a new channel. grpc-js has no connect timeout:
   * a connection that never completes its handshake, or dribbles, would hold every later call, so a call
   * that timed out is retried on a fresh connection.
   */
  reconnect(stale: SecretManagerServiceClient): void;
  /**
   * Resolves once the credentials hold an access token (memoized; every read awaits it before its first
   * call). Only Application Default Credentials of type external_account need a token service here: the
   * STS token exchange, under our retry loop, per-request timeout and deadline (see stsToken).
   */
  authorize(): Promise<void>;
  close(): Promise<void>;
}

/** The token step as errors name it (from the credential type, never from an answer). */
export const STS_STEP = 'the Google STS token exchange (Application Default Credentials)';

/** An attempt ended by its timeout (gaxios reports the fetch's AbortError as its cause). */
function timedOut(e: unknown): boolean {
  const names = [e, (e as { cause?: unknown } | null)?.cause, (e as { error?: unknown } | null)?.error].map((x) => (x as { name?: unknown } | null)?.name);
  return names.includes('TimeoutError') || names.includes('AbortError');
}

/** An error of the token exchange, described by status or error code only, never by its text or body. */
export function describeTokenError(e: unknown): string {
  const err = e as { status?: unknown; response?: { status?: unknown }; code?: unknown; name?: unknown } | null;
  const status = typeof err?.status === 'number' ? err.status : typeof err?.response?.status === 'number' ? err.response.status : undefined;
  if (status !== undefined) {
    if (status === 429) return 'HTTP 429: the token service is throttling requests';
    if (status >= 500) return `HTTP ${status}: the token service reported a server error`;
    if (status >= 200 && status < 300) return `HTTP ${status}: the answer is not a token response`;
    return `HTTP ${status}: the token service refused the exchange`;
  }
  if (timedOut(e)) return 'no complete answer within the per-request timeout or the run deadline';
  const code = typeof err?.code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(err.code) ? err.code : undefined;
  if (code) return `${code}: the request did not complete`;
  return 'the answer is not a token response';
}

/** 429, 5xx, and requests that got no (complete) answer are worth another try. */
function retryableTokenError(e: unknown): boolean {
  const err = e as { status?: unknown; response?: { status?: unknown }; code?: unknown; name?: unknown } | null;
  const status = typeof err?.status === 'number' ? err.status : typeof err?.response?.status === 'number' ? err.response.status : undefined;
  if (status !== undefined) return status === 429 || status >= 500;
  if (timedOut(e)) return true;
  return typeof err?.code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(err.code);
}

type Gaxios = typeof import('google-auth-library').gaxios;

/**
 * Gets the first access token of an external_account client through our own retry loop: the library's
 * STS request would otherwise retry on its own schedule (3 more tries, Retry-After ignored) with no
 * timeout, so a token service that never answers held every read until the deadline. Its transporter is
 * replaced, per attempt, by one with the attempt's timeout and no retries of its own; the token it then
 * caches is what every call's metadata uses.
 */
async function stsToken(ctx: ProviderContext, client: object, gaxios: Gaxios): Promise<void> {
  const where = storeLabel(ctx.store);
  const sts = (client as { stsCredential?: { transporter?: unknown } }).stsCredential;
  const done = ctx.awaitingToken?.(STS_STEP);
  try {
    await withRetry(
      ctx,
      async () => {
        if (Date.now() >= ctx.deadline) throw new ProviderError(`${where}: deadline exceeded before ${STS_STEP} answered`);
        if (sts) sts.transporter = new gaxios.Gaxios({ timeout: attemptTimeoutMs(ctx.deadline), retryConfig: { retry: 0, noResponseRetries: 0 } });
        const got = await (client as { getAccessToken(): Promise<{ token?: string | null }> }).getAccessToken();
        if (!got.token) throw Object.assign(new Error('no token'), { status: 200 });
      },
      retryableTokenError,
      { attempts: 5, baseMs: 200, maxMs: 2_000 },
    );
  } catch (e) {
    if (e instanceof ProviderError) throw e;
    throw new ProviderError(`${where}: getting a token from ${STS_STEP} failed: ${describeTokenError(e)}`, { retryable: false });
  }
  done?.();
}

/**
 * Channel options: a subchannel of our own per client (so a new client really opens a new connection,
 * not the shared pool's stuck one) and reconnect backoff short enough for retries inside a deadline of
 * seconds (google-gax sets 1 s, grpc-js doubles it; our retries are spaced and bounded instead).
 */
const CHANNEL_OPTIONS = {
  'grpc.use_local_subchannel_pool': 1,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
};

interface ServiceAccountKey {
  type?: string;
  client_email?: string;
  private_key?: string;
  project_id?: string;
}

function parseHostPort(v: string, where: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(v.trim());
  if (!m) throw new ProviderError(`${where}: ${ENV.endpoint} must be host:port`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Where requests go: the override, the regional endpoint of `location` (as ESO), or the client's default. */
export function serviceEndpoint(cfg: Pick<GcpStoreConfig, 'location'>, override: string | undefined, where: string): { apiEndpoint?: string; port?: number } {
  if (override) {
    const { host, port } = parseHostPort(override, where);
    return { apiEndpoint: host, port };
  }
  if (cfg.location) return { apiEndpoint: `secretmanager.${cfg.location}.rep.googleapis.com`, port: 443 };
  return {};
}

async function serviceAccountKey(ctx: ProviderContext, cfg: GcpStoreConfig): Promise<ServiceAccountKey | undefined> {
  if (cfg.auth.kind !== 'serviceAccountKey') return undefined;
  const raw = await ctx.credentials.resolve(cfg.auth.ref, 'spec.provider.gcpsm.auth.secretRef.secretAccessKeySecretRef');
  let key: ServiceAccountKey;
  try {
    key = JSON.parse(Buffer.from(raw).toString('utf8')) as ServiceAccountKey;
  } catch {
    key = {};
  }
  if (typeof key !== 'object' || key === null || !key.client_email || !key.private_key) {
    // Never echo the content: it is a private key.
    throw new ProviderError(
      `${storeLabel(ctx.store)}: failed to process the provided JSON credentials in ${cfg.auth.ref.name}/${cfg.auth.ref.key}: not a service account key (client_email and private_key are required)`,
    );
  }
  return key;
}

export async function connect(ctx: ProviderContext, cfg: GcpStoreConfig): Promise<Connection> {
  const where = storeLabel(ctx.store);
  if (cfg.auth.kind === 'workloadIdentityFederation') {
    throw new ProviderError(
      `${where}: auth.workloadIdentityFederation is not supported by eso-render; give the renderer Application Default Credentials (an external_account file in GOOGLE_APPLICATION_CREDENTIALS) and drop the auth block`,
    );
  }
  if (ctx.refuseAmbientIdentity && cfg.auth.kind !== 'serviceAccountKey') {
    throw ambientIdentityRefused(
      where,
      cfg.auth.kind === 'workloadIdentity' ? "the sidecar's workload identity" : "Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS, workload identity, the metadata server",
      'spec.provider.gcpsm.auth.secretRef.secretAccessKeySecretRef',
    );
  }
  const key = await serviceAccountKey(ctx, cfg);
  // ESO: with static credentials the projectID must be explicit; workload identity may supply it.
  let projectID = cfg.projectID ?? (cfg.auth.kind === 'workloadIdentity' ? cfg.auth.clusterProjectID : undefined);
  if (!projectID && key) throw new ProviderError(`${where}: unable to find ProjectID in storeSpec`);

  const [{ SecretManagerServiceClient }, gax] = await Promise.all([import('@google-cloud/secret-manager'), import('google-gax')]);

  const override = process.env[ENV.endpoint];
  const insecure = /^(1|true|yes)$/i.test(process.env[ENV.insecure] ?? '');
  const opts: Record<string, unknown> = { ...serviceEndpoint(cfg, override, where), ...CHANNEL_OPTIONS };

  if (override && insecure) {
    // An emulator or test server: plaintext, and an auth client that adds nothing and never probes
    // the metadata server. The channel credentials must come from google-gax's own grpc-js copy.
    opts['sslCreds'] = gax.grpc.credentials.createInsecure();
    opts['authClient'] = new gax.googleAuthLibrary.PassThroughClient();
    if (!projectID) throw new ProviderError(`${where}: projectID is required with ${ENV.insecure}`);
  } else {
    const authOpts: Record<string, unknown> = { scopes: [CLOUD_PLATFORM_SCOPE] };
    if (key) authOpts['credentials'] = key;
    if (projectID) authOpts['projectId'] = projectID;
    const auth = new gax.GoogleAuth(authOpts);
    opts['auth'] = auth;
    const caFile = process.env[ENV.caFile];
    if (override && caFile) {
      // TLS to the override with a private CA, the store's credentials still attached per call
      // (google-gax skips its own credential wiring when channel credentials are given).
      let ca: Buffer;
      try {
        ca = readFileSync(caFile);
      } catch (e) {
        throw new ProviderError(`${where}: cannot read ${ENV.caFile} ${caFile}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
      }
      const callCreds = gax.grpc.credentials.createFromGoogleCredential({
        getRequestHeaders: async (url?: string) => {
          const client = await auth.getClient();
          const headers = await client.getRequestHeaders(url);
          const out: Record<string, string> = {};
          headers.forEach((value: string, name: string) => (out[name] = value));
          return out;
        },
      });
      opts['sslCreds'] = gax.grpc.credentials.combineChannelCredentials(gax.grpc.credentials.createSsl(ca), callCreds);
    }
    if (!projectID) {
      try {
        projectID = await auth.getProjectId();
      } catch {
        throw new ProviderError(`${where}: unable to find ProjectID in storeSpec (and none in the default credentials)`);
      }
    }
  }
  const authOf = opts['auth'] as InstanceType<typeof gax.GoogleAuth> | undefined;
  let authorized: Promise<void> | undefined;
  const authorize = async () => {
    if (!authOf || key) return;
    let client: unknown;
    try {
      client = await authOf.getClient();
    } catch (e) {
      // Never the library's text: a JSON error quotes the file, which may hold a private key.
      const code = (e as { code?: unknown } | null)?.code;
      const why = typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code) ? code : e instanceof SyntaxError ? 'the file is not valid JSON' : 'no usable credentials found';
      throw new ProviderError(`${where}: cannot load Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's application default login or the metadata server): ${why}`);
    }
    if (client instanceof gax.googleAuthLibrary.BaseExternalAccountClient) await stsToken(ctx, client, gax.googleAuthLibrary.gaxios);
  };
  const make = () => new SecretManagerServiceClient(opts as ConstructorParameters<typeof SecretManagerServiceClient>[0]);
  let client = make();
  const dropped: Promise<void>[] = [];
  return {
    get client() {
      return client;
    },
    projectID: projectID!,
    reconnect(stale) {
      if (stale !== client) return;
      client = make();
      dropped.push(stale.close().catch(() => undefined));
    },
    authorize: () => (authorized ??= authorize()),
    close: async () => {
      await Promise.all([client.close(), ...dropped]);
    },
  };
}
