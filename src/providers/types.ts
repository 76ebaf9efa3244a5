// The one interface every provider implements. The engine plans reads and calls these; it never sees an SDK.
// Values are bytes from end to end (ESO's []byte); a provider never logs or puts a value into an error.

import type { KubeObject } from '../engine/types.js';

/** A `remoteRef` or `dataFrom[].extract`, after CRD defaults. */
export interface RemoteRef {
  key: string;
  property?: string;
  version?: string;
  /** `Fetch` returns provider metadata (tags, labels) instead of the value. */
  metadataPolicy?: 'None' | 'Fetch';
}

/** A `dataFrom[].find`. */
export interface FindRef {
  path?: string;
  name?: { regexp: string };
  tags?: Record<string, string>;
  /** Default | Unicode; providers that convert find keys themselves (fake, gcpsm) apply it. */
  conversionStrategy?: string;
}

/** A store after resolution: which one it is and its `spec.provider.<name>` block. */
export interface ResolvedStore {
  kind: 'SecretStore' | 'ClusterSecretStore';
  name: string;
  /** Set for SecretStore. */
  namespace?: string;
  /** The provider key under spec.provider: fake, aws, vault, gcpsm, azurekv, ... */
  provider: string;
  /** spec.provider[provider] */
  spec: Record<string, unknown>;
  /** The whole store manifest. */
  resource: KubeObject;
  /** Where the store came from. */
  origin: 'stream' | 'platform';
}

/** A `secretRef`-style selector found in a store's auth block. */
export interface SecretKeySelector {
  name: string;
  key: string;
  namespace?: string;
}

export interface CredentialResolver {
  /**
   * The bytes of a referenced credential. For a SecretStore the store's namespace is used
   * (ESO ignores `namespace` there); a ClusterSecretStore reference must name one.
   * Throws a ProviderError naming the reference (never its content) when it cannot be found.
   */
  resolve(ref: SecretKeySelector, field: string): Promise<Uint8Array>;
  /**
   * Every key of a referenced Secret (ESO's webhook `secrets`, which hand the whole Secret to its
   * templates), with the Secret's labels when it came from the stream (a credentials-directory Secret
   * has none). Same namespace rules and errors as resolve.
   */
  resolveSecret?(ref: { name: string; namespace?: string }, field: string): Promise<{ data: Map<string, Uint8Array>; labels?: Record<string, string> }>;
  /** A ServiceAccount from the stream or the platform configuration, if known. */
  serviceAccount(name: string, namespace: string): KubeObject | undefined;
}

export interface ProviderContext {
  store: ResolvedStore;
  credentials: CredentialResolver;
  /** Aborted when the run's deadline passes. */
  signal: AbortSignal;
  /** Absolute time (ms since epoch) by which the run must end. */
  deadline: number;
  /** Concurrency allowed for this store's requests. */
  concurrency: number;
  /**
   * Set by the engine for a store the application defines itself, in the shared sidecar: the provider
   * must not fall back to the process's ambient identity (VAULT_TOKEN, its ServiceAccount token, the AWS
   * default chain, IRSA, ADC, managed or workload identity) and fails naming the field to set instead.
   */
  refuseAmbientIdentity?: boolean;
  /** Count one backend request (for the request counters and the benchmarks). */
  countRequest(n?: number): void;
  /** Count one retry. */
  countRetry(): void;
  /**
   * The platform's webhook destinations (RenderConfig spec.webhook.allowedURLs, normalised URL prefixes):
   * a webhook request goes only to a URL under one. Undefined when the platform names none: then only a
   * platform store or generator may call a webhook.
   */
  webhookURLs?: readonly string[];
  /** The prefixes the tenancy rules give the app's own webhooks (TenancyRule.webhookURLs); stream origin only. */
  appWebhookURLs?: AppWebhookURLs;
  /**
   * The engine's refusal once the values read in this run exceed spec.limits.fetchedBytes, else undefined: a
   * provider holding a large answer checks it before the costly step (parsing), so in-flight reads stop too.
   */
  overFetchBudget?(): Error | undefined;
  /**
   * Marks the store as waiting for a credential from a token service (`what` names it, e.g. `STS
   * (AssumeRole arn:…)`); the returned function marks the credential obtained. A run deadline that
   * passes in between names that step rather than the backend.
   */
  awaitingToken?(what: string): () => void;
}

export interface SecretsClient {
  /**
   * Optional batch capability: the engine calls it once with every plain `data[]`/extract read
   * planned for this store, before any getSecret/getSecretMap. A batching backend fetches them here
   * and serves the gets from what it fetched; per-key failures surface on the matching get.
   */
  prefetch?(refs: readonly RemoteRef[]): Promise<void>;
  /** One value (with property/version applied). Throws NoSecretError when the secret does not exist. */
  getSecret(ref: RemoteRef): Promise<Uint8Array>;
  /** A JSON object flattened to a map (dataFrom.extract), provider-specific rules (eso-semantics §3.3). */
  getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>>;
  /** dataFrom.find. Providers that convert keys in ESO (fake, gcpsm) do it here. */
  getAllSecrets(ref: FindRef): Promise<Map<string, Uint8Array>>;
  close?(): Promise<void>;
}

/** What a provider module exports (loaded lazily by the registry). */
export interface ProviderModule {
  createClient(ctx: ProviderContext): Promise<SecretsClient>;
  /** Admission-time checks of the store spec; returns problems as messages (field path + reason). */
  validateStore?(spec: Record<string, unknown>): { field: string; message: string }[];
}

/** A generator referenced from dataFrom[].sourceRef.generatorRef (Fake, VaultDynamicSecret, ...). */
export interface GeneratorContext {
  generator: KubeObject;
  /** Resolves a store referenced by the generator (e.g. VaultDynamicSecret's spec.provider is inline). */
  credentials: CredentialResolver;
  signal: AbortSignal;
  deadline: number;
  countRequest(n?: number): void;
  countRetry(): void;
  /** Namespace of the ExternalSecret using the generator. */
  namespace: string;
  /** As ProviderContext.refuseAmbientIdentity, for a generator the application defines itself. */
  refuseAmbientIdentity?: boolean;
  /** Where the generator was defined. */
  origin?: 'stream' | 'platform';
  /** As ProviderContext.webhookURLs. */
  webhookURLs?: readonly string[];
  /** As ProviderContext.appWebhookURLs. */
  appWebhookURLs?: AppWebhookURLs;
  /** As ProviderContext.overFetchBudget. */
  overFetchBudget?(): Error | undefined;
}

/** Webhook URL prefixes from the tenancy rules matching the app, and the names of those rules. */
export interface AppWebhookURLs {
  urls: readonly string[];
  rules: readonly string[];
}

export interface GeneratorModule {
  generate(ctx: GeneratorContext): Promise<Map<string, Uint8Array>>;
}

/** ESO's NoSecretErr: the secret (or, for some providers, the property) does not exist. */
export class NoSecretError extends Error {
  constructor(readonly detail?: string) {
    super('Secret does not exist');
    this.name = 'NoSecretError';
  }
}

/**
 * A provider failure. The message names store, key and cause, never a value; `retryable` tells the
 * engine's retry loop whether trying again may help (throttling, 5xx, resets).
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly opts: { retryable?: boolean; code?: string } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
  get retryable(): boolean {
    return this.opts.retryable === true;
  }
}
