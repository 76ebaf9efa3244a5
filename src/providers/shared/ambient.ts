// Refusing the process's ambient identity for connections an application defines (docs/security.md,
// Tenancy): in the shared sidecar the engine sets `refuseAmbientIdentity` for stores and generators from the
// app's own manifests, and every provider fails, before any request, where it would otherwise fall back to
// an identity of the sidecar (an environment token, its ServiceAccount token, a cloud SDK's default chain,
// workload identity, instance metadata), naming the field the app must set instead.
import { ProviderError } from '../types.js';

export function ambientIdentityRefused(where: string, fallback: string, setInstead: string): ProviderError {
  return new ProviderError(
    `${where} is defined in the application's own manifests, and the shared sidecar never lends such a connection its own identity (${fallback}); set ${setInstead}`,
  );
}
