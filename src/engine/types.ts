// The data the engine takes and returns. Front ends translate their wire formats into these and back;
// nothing here reads stdin, writes stdout or touches the filesystem.
import type { SealOptions } from './seal-types.js';
import type { RenderLimits } from '../common/limits.js';

/** A Kubernetes object as plain JSON-compatible data. */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
};

/**
 * One resource of the stream. `source` is owned by the front end that read it (for example the parsed
 * YAML document, so an untouched resource is written back with its comments and quoting intact).
 * The engine never looks inside `source`; it returns untouched items as the very same objects.
 */
export interface Item {
  readonly object: KubeObject;
  readonly source?: unknown;
  /** On a generated Secret: the stream item (ExternalSecret or ClusterExternalSecret) it replaces. */
  readonly replaces?: Item;
  /** From a front end that has not parsed the resource yet: true when its text cannot hold `s` anywhere. */
  certainlyLacks?(this: Item, s: string): boolean;
}

export type Severity = 'error' | 'warning' | 'info';

/** A finding, shaped like a KRM function result (kyaml `framework.Result`). Never holds a secret value. */
export interface Result {
  message: string;
  severity: Severity;
  resourceRef?: { apiVersion?: string; kind?: string; name?: string; namespace?: string };
  field?: { path: string };
  file?: { path: string; index?: number };
  /** Extra machine-readable context: store and key names, rule ids. Never values. */
  tags?: Record<string, string>;
}

/** Who is asking: the Argo CD application context, for the tenancy policy. */
export interface AppContext {
  project?: string;
  app?: string;
  /** The application's destination namespace. */
  namespace?: string;
}

export interface RenderOptions {
  /** Store manifests supplied by the platform (SecretStore / ClusterSecretStore), never by the app. */
  platformStores: KubeObject[];
  /** Folder laid out like mounted Secrets: `<namespace>/<name>/<key>`. */
  credentialsDir?: string;
  /** Whether Secrets in the stream may serve as store credentials. */
  allowStreamCredentials: boolean;
  /** Keep SecretStores/ClusterSecretStores in the output (default: drop the consumed ones). */
  keepStores: boolean;
  /** Concurrent requests per store, and over all stores. */
  concurrency: { perStore: number; global: number };
  /** Overall deadline for the run, in milliseconds. */
  deadlineMs: number;
  /** Template delimiters, as ESO's --template-left-delimiter/--template-right-delimiter. */
  delimiters: { left: string; right: string };
  /** Argo CD context, when known. */
  context?: AppContext;
  /**
   * ServiceAccounts the platform declares (auth.jwt.serviceAccountRef and the like). In the shared sidecar
   * a platform store resolves ServiceAccounts only from here, never from the app's stream.
   */
  platformServiceAccounts?: KubeObject[];
  /** Namespaces (with their labels) the platform declares, for namespaceSelectors (docs/security.md, Tenancy). */
  platformNamespaces?: KubeObject[];
  /** Generators (generators.external-secrets.io) the platform supplies, granted by policy rules like stores. */
  platformGenerators?: KubeObject[];
  /** Folder that relative paths in the configuration resolved against (informational). */
  baseDir?: string;
  /** The platform's tenancy policy: which apps may use which stores, keys and namespaces. */
  policy?: TenancyPolicy;
  /**
   * Set by `generate` (the shared Argo CD sidecar): stores defined in an app's own manifests are refused
   * unless the policy allows them, and ExternalSecrets may only target the app's destination namespace
   * or namespaces the policy names.
   */
  sharedSidecar?: boolean;
  /** ESO controller class rendered for (default "default"); stores of another class pass through (controller-class.ts). */
  controllerClass?: string;
  /** Stamp a checksum of consumed Secrets into every workload's pod template (see rollout.ts). */
  rolloutOnChange?: boolean;
  /**
   * Preview without credentials or values: no backend is contacted (the fake store is read, as it is
   * local), and every provider value is replaced by a placeholder derived from its reference.
   */
  redact?: boolean;
  /**
   * The platform key (`spec.platformKeyFile`, at least 32 bytes): keys every digest of secret data in the
   * output (digest.ts) and derives deterministic sealing (seal.ts). Never printed.
   */
  platformKey?: Uint8Array;
  /** Emit each Secret as a Bitnami SealedSecret (seal.ts, docs/sealed.md). */
  seal?: SealOptions;
  /** Bounds on the run's work: template budgets, input size (src/common/limits.ts); defaults when absent. */
  limits?: Partial<RenderLimits>;
  /** `spec.build` (generate only): remote bases the platform allows (src/config/build-section.ts). */
  build?: { allowRemoteBases: string[] };
  /** `spec.unmasked`: what generate may render in plain sight as ESO does (unmasked.ts); off by default. */
  unmasked?: { allowTemplatedMetadata?: boolean; allowComputedKeys?: boolean };
  /** Webhook destinations (RenderConfig spec.webhook, docs/security.md "Webhooks"). */
  webhook?: { allowedURLs: string[] };
}

/** Glob patterns use `*` for any run of characters; everything else is literal. */
export interface TenancyRule {
  name: string;
  /** Which applications the rule is for; an omitted list matches any. */
  match?: { projects?: string[]; apps?: string[]; namespaces?: string[] };
  /** Stores the matched apps may use, each with the remote keys allowed (default: any key). */
  stores?: { kind: 'SecretStore' | 'ClusterSecretStore'; name: string; namespace?: string; keys?: string[] }[];
  /** Namespaces (besides the destination) that the matched apps' ExternalSecrets may target. */
  targetNamespaces?: string[];
  /** Let the matched apps define their own stores in their manifests (the fake store is always allowed). */
  allowStreamStores?: boolean;
  /** Generators that reach a backend the matched apps may use (local ones, such as Fake, always are). */
  generators?: GeneratorGrant[];
  /**
   * Where the matched apps' own webhook stores and generators may send requests (normalised URL prefixes),
   * within spec.webhook.allowedURLs. When any matched rule sets it, an app-defined webhook must go under
   * one of the matched rules' lists, so one team cannot call the webhooks allowed for another.
   */
  webhookURLs?: string[];
}

/**
 * One generator grant. `origin: platform` (default) grants generators of the platform configuration,
 * `application` generators the app defines itself. `methods` are the Vault methods allowed (default GET
 * and LIST); POST or PUT allows every write.
 */
export interface GeneratorGrant {
  kind: string;
  name: string;
  namespace?: string;
  origin?: 'platform' | 'application';
  methods?: string[];
}

export interface TenancyPolicy {
  rules: TenancyRule[];
}

export const defaultRenderOptions: RenderOptions = {
  platformStores: [],
  allowStreamCredentials: false,
  keepStores: false,
  concurrency: { perStore: 16, global: 64 },
  deadlineMs: 50_000,
  delimiters: { left: '{{', right: '}}' },
};

/** Counters for the one-line operator summary. */
export interface RenderStats {
  resourcesIn: number;
  resourcesOut: number;
  externalSecrets: number;
  secretsEmitted: number;
  /** Requests made to backends, per store (`Kind/namespace/name`). */
  requests: Record<string, number>;
  retries: number;
  durationMs: number;
  /** ExternalSecrets left untouched for an ESO of another controller class. */
  otherControllerClass?: number;
}

export type RenderOutcome =
  | { ok: true; items: Item[]; results: Result[]; stats: RenderStats }
  | { ok: false; results: Result[]; stats: RenderStats };
