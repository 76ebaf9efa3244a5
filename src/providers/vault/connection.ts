// One authenticated connection to Vault: TLS settings from the store (caBundle/caProvider, mTLS, server
// name), the store namespace and headers, and a token obtained once (lazily, single-flight) and kept in
// memory only.

import type { CredentialResolver } from '../types.js';
import type { VaultStoreSpec } from './store-spec.js';
import { VaultHttp, VaultRequest, VaultRawResponse, VaultTls } from './http.js';
import { ambientFallback, login } from './auth.js';
import { ambientIdentityRefused } from '../shared/ambient.js';

/** Environment variables the Go client reads that we honour too (docs/providers/vault.md). */
export const TLS_SERVER_NAME_ENV = 'VAULT_TLS_SERVER_NAME';

export interface ConnectionDeps {
  credentials: CredentialResolver;
  signal: AbortSignal;
  deadline: number;
  concurrency: number;
  countRequest(n?: number): void;
  countRetry(): void;
  storeNamespace?: string;
  env?: NodeJS.ProcessEnv;
  /** See ProviderContext.refuseAmbientIdentity. */
  refuseAmbientIdentity?: boolean;
  /** How the connection is named in a refusal (`SecretStore/ns/name`, `VaultDynamicSecret/ns/name`). */
  label?: string;
}

export class VaultConnection {
  private tokenPromise?: Promise<string | undefined>;

  private constructor(
    readonly spec: VaultStoreSpec,
    readonly http: VaultHttp,
    private readonly deps: ConnectionDeps,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async open(spec: VaultStoreSpec, deps: ConnectionDeps, field = 'spec.provider.vault'): Promise<VaultConnection> {
    const env = deps.env ?? process.env;
    if (deps.refuseAmbientIdentity) {
      // Before anything is read or sent: an app-defined connection never uses the sidecar's identity.
      const ambient = ambientFallback(spec, field);
      if (ambient) throw ambientIdentityRefused(deps.label ?? field, ambient.fallback, ambient.setInstead);
    }
    const tls: VaultTls = {};
    if (spec.caBundle) tls.ca = spec.caBundle;
    else if (spec.caProvider) {
      const cp = spec.caProvider;
      // The resolver reads Secrets; a ConfigMap CA is looked up through the same credentials source.
      const ref = cp.namespace ? { name: cp.name, key: cp.key, namespace: cp.namespace } : { name: cp.name, key: cp.key };
      tls.ca = Buffer.from(await deps.credentials.resolve(ref, `${field}.caProvider`)).toString('utf8');
    }
    if (tls.ca !== undefined && !/-----BEGIN CERTIFICATE-----/.test(tls.ca)) {
      throw new Error(`${field}.${spec.caBundle ? 'caBundle' : 'caProvider'}: failed to parse certificates from CertPool`);
    }
    const t = spec.tls;
    if (t?.certSecretRef && t.keySecretRef) {
      tls.key = Buffer.from(await deps.credentials.resolve(t.keySecretRef, `${field}.tls.keySecretRef`)).toString('utf8');
      tls.cert = Buffer.from(await deps.credentials.resolve(t.certSecretRef, `${field}.tls.certSecretRef`)).toString('utf8');
    }
    const servername = env[TLS_SERVER_NAME_ENV];
    if (servername) tls.servername = servername;

    const headers: Record<string, string> = { ...spec.headers };
    if (spec.readYourWrites && spec.forwardInconsistent) headers['X-Vault-Inconsistent'] = 'forward-active-node';
    const http = new VaultHttp({
      server: spec.server,
      tls,
      headers,
      ...(spec.namespace ? { namespace: spec.namespace } : {}),
      signal: deps.signal,
      deadline: deps.deadline,
      concurrency: deps.concurrency,
      countRequest: () => deps.countRequest(1),
      countRetry: () => deps.countRetry(),
    });
    return new VaultConnection(spec, http, deps, env);
  }

  /** The token for this run: one login, shared by every request. */
  token(): Promise<string | undefined> {
    this.tokenPromise ??= login(this.spec, {
      http: this.http,
      credentials: this.deps.credentials,
      ...(this.deps.storeNamespace ? { storeNamespace: this.deps.storeNamespace } : {}),
      env: this.env,
      ...(this.deps.refuseAmbientIdentity ? { refuseAmbientIdentity: true } : {}),
    });
    return this.tokenPromise;
  }

  async request(req: Omit<VaultRequest, 'token'>): Promise<VaultRawResponse> {
    const token = await this.token();
    return this.http.request(token ? { ...req, token } : req);
  }

  close(): void {
    this.http.close();
  }
}
