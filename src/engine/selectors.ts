// Kubernetes label selectors (matchLabels + matchExpressions), for ClusterExternalSecret namespace
// selection and ClusterSecretStore conditions.

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const vals = e.values ?? [];
    switch (e.operator) {
      case 'In': if (!has || !vals.includes(labels[e.key]!)) return false; break;
      case 'NotIn': if (has && vals.includes(labels[e.key]!)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: throw new Error(`unsupported label selector operator ${e.operator}`);
    }
  }
  return true;
}

/** Labels of a namespace as the API server has them: its own plus kubernetes.io/metadata.name. */
export function namespaceLabels(name: string, labels: Record<string, string> | undefined): Record<string, string> {
  return { ...(labels ?? {}), 'kubernetes.io/metadata.name': name };
}
