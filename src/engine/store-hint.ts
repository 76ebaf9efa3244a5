// "Did you mean" for a store reference that finds nothing: the other kind of the same name, the same name in
// another namespace, or a close name (`SecretStore "fake" not found; a ClusterSecretStore "fake" exists`).

import type { StoreRef } from '../eso/model.js';
import type { ResolvedStore } from '../providers/types.js';
import { closest } from '../common/suggest.js';

export function storeHint(ref: StoreRef, namespace: string, all: readonly ResolvedStore[]): string {
  const other = ref.kind === 'ClusterSecretStore' ? 'SecretStore' : 'ClusterSecretStore';
  if (all.some((s) => s.kind === other && s.name === ref.name && (other === 'ClusterSecretStore' || s.namespace === namespace))) {
    return `; a ${other} "${ref.name}" exists: set kind: ${other} in the store reference`;
  }
  const elsewhere = all.find((s) => s.kind === 'SecretStore' && ref.kind === 'SecretStore' && s.name === ref.name);
  if (elsewhere) return `; a SecretStore "${ref.name}" exists in namespace "${elsewhere.namespace}" (a SecretStore serves only its own namespace: use a ClusterSecretStore, or move the ExternalSecret)`;
  const names = all.filter((s) => s.kind === ref.kind && (s.kind === 'ClusterSecretStore' || s.namespace === namespace)).map((s) => s.name);
  const near = closest(ref.name, names);
  return near ? `; did you mean ${ref.kind} "${near}"?` : '';
}
