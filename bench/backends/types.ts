// One loopback backend of the backend-efficiency scenario, as the host process runs it. Adding a backend to
// the scenario is adding a file beside this one (and its entry in host.ts and in
// bench/scenarios/backend-clients.mjs).
import type { TestTls } from '../../test/servers/tls-ca.js';

export interface BenchContext {
  delayMs: number;
  unique: number;
  /** The JSON text of secret number k: {"username": …, "password": …}. */
  value(k: number): string;
  /** A private CA and a certificate for the hosts HTTPS backends use (trusted by the client process). */
  tls: Pick<TestTls, 'caPem' | 'keyPem' | 'certPem'>;
  /** Stops, run in reverse order at the end. */
  stops: (() => Promise<void>)[];
}

export interface BenchBackend {
  /** What the client side needs to reach the backend (URLs, tokens), sent to it once. */
  info: Record<string, unknown>;
  /** Reads of secret data: the requests the target counts. */
  reads(): number;
  /** Every request, authentication included, for the record. */
  all(): number;
  /** Most requests in flight at once, and the backend's own median answer time, where known. */
  maxInFlight?(): number;
  serviceMs?(): number | undefined;
  reset(): void;
}
