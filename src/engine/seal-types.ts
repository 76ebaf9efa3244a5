// What the engine needs to seal Secrets (seal.ts); read from the `seal` section of the RenderConfig or the
// --seal-* flags by src/config/seal-section.ts. Certificates are parsed and checked there, at the edge.
import type { KeyObject } from 'node:crypto';

export type SealScope = 'strict' | 'namespace-wide' | 'cluster-wide';
export const SEAL_SCOPES: readonly SealScope[] = ['strict', 'namespace-wide', 'cluster-wide'];

export interface SealCertificate {
  /** Where it came from (setting and file), as errors name it. */
  source: string;
  /** The controller's RSA public key. */
  publicKey: KeyObject;
  /** SHA-256 of the public key's SubjectPublicKeyInfo (DER): what the deterministic derivation binds to. */
  fingerprint: Uint8Array;
}

/** One entry of the per-destination map: the first whose match fits the app and the Secret's namespace wins. */
export interface SealDestination {
  /** Glob patterns (`*` is any run); an omitted list matches any. `namespaces` is the Secret's namespace. */
  match: { projects?: string[]; apps?: string[]; namespaces?: string[] };
  certificate: SealCertificate;
  scope?: SealScope;
}

export interface SealOptions {
  scope: SealScope;
  /** The certificate used when no destination matches. */
  certificate?: SealCertificate;
  destinations: SealDestination[];
  /** The key session keys and OAEP seeds are derived under (`seal.keyFile`); absent: the platform key. */
  key?: Uint8Array;
  /** Set by the platform: sealing cannot be turned off per application. */
  required: boolean;
}
