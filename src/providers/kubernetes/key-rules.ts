// What the kubernetes provider refuses in remote keys (docs/providers/kubernetes.md, "Keys it refuses").
// A key is a Secret's name and becomes the last segment of `/api/v1/namespaces/<ns>/secrets/<name>`:
// it must be a DNS subdomain name (what the API server accepts for a Secret), which also rules out `/`,
// `.`/`..`, `%` and everything client-go's path-segment check refuses. Find tags become a label selector
// and must be valid label keys and values (ESO's labels.ValidatedSelectorFromSet). `version` is not used.

import { keyMessage, pathProblem, quote, type KeyProblem, type KeyRules } from '../../common/remote-keys.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Why `name` cannot be a Secret name in a URL path, or undefined. */
export function secretNameProblem(name: string): string | undefined {
  const why = pathProblem(name);
  if (why) return why;
  if (name.includes('/')) return "a '/' (a Secret name is one path segment)";
  if (name.includes('%')) return "a '%'";
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) return 'characters or a length a Secret name cannot have (lowercase letters, digits, - and ., at most 253)';
  return undefined;
}

/** Why `tags` is not a valid label selector set, or undefined (the message quotes only what the manifest says). */
export function labelSelectorProblem(tags: Record<string, string>): string | undefined {
  for (const [k, v] of Object.entries(tags)) {
    const slash = k.indexOf('/');
    const prefix = slash >= 0 ? k.slice(0, slash) : undefined;
    const name = slash >= 0 ? k.slice(slash + 1) : k;
    if ((prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) || name.length > 63 || !LABEL_NAME.test(name)) return `invalid label key ${quote(k)}`;
    if (v !== '' && (v.length > 63 || !LABEL_NAME.test(v))) return `invalid label value ${quote(v)} of ${quote(k)}`;
  }
  return undefined;
}

export const kubernetesKeyRules: KeyRules = {
  ref(ref) {
    const why = secretNameProblem(ref.key);
    return why ? [{ field: 'key', reason: keyMessage('key', ref.key, why, 'kubernetes') }] : [];
  },
  find(find) {
    const out: KeyProblem[] = [];
    for (const [k, v] of Object.entries(find.tags ?? {})) {
      const why = labelSelectorProblem({ [k]: v });
      if (why) out.push({ field: `tags.${k}`, reason: `${why}: find.tags become a Kubernetes label selector, so each must be a valid label key and value` });
    }
    return out;
  },
};
