// How a store is named in every message: `ClusterSecretStore/<name>` or `SecretStore/<namespace>/<name>`.
// The bottom layer: the engine and the providers both name stores this way, so it lives below both.

export interface StoreIdentity {
  kind: string;
  name: string;
  namespace?: string | undefined;
}

export function storeLabel(store: StoreIdentity): string {
  return store.kind === 'ClusterSecretStore' ? `ClusterSecretStore/${store.name}` : `SecretStore/${store.namespace ?? ''}/${store.name}`;
}
