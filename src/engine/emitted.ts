// What the API server checks on the Secrets we emit, checked before output (issue 16): the Secret's name
// (DNS-1123 subdomain) and namespace (DNS-1123 label), data keys, label and annotation keys and values,
// and the size limits. A problem names the field of the ExternalSecret it came from. A key is quoted only
// when the manifest wrote it literally; values are never quoted (a label may be templated from secret data).

import type { KubeObject } from './types.js';
import type { ExternalSecret } from '../eso/model.js';

export interface EmittedProblem {
  field: string;
  message: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const MAX_ANNOTATIONS = 256 * 1024;
const MAX_SECRET = 1024 * 1024;

export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && DNS_SUBDOMAIN.test(s);
}
export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS_LABEL.test(s);
}

/** Why a label or annotation key is not a Kubernetes qualified name, or undefined when it is one. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2 && !isDnsSubdomain(parts[0]!)) return 'has a prefix (before "/") that is not a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters)';
  if (name.length === 0) return 'has an empty name';
  if (name.length > 63) return 'has a name (after any "/" prefix) longer than 63 characters';
  if (!QUALIFIED_NAME.test(name)) return 'must consist of letters, digits, "-", "_" or ".", and start and end with a letter or digit';
  return undefined;
}

export function labelValueProblem(v: string): string | undefined {
  if (v.length > 63) return 'must be at most 63 characters';
  if (!LABEL_VALUE.test(v)) return 'must be empty or consist of letters, digits, "-", "_" or ".", and start and end with a letter or digit';
  return undefined;
}

/** Problems of a Secret assembled for `es`, before it is written. */
export function checkEmittedSecret(secret: KubeObject, es: ExternalSecret): EmittedProblem[] {
  const out: EmittedProblem[] = [];
  const md = secret.metadata ?? {};
  const t = es.spec.target.template;
  const name = String(md.name ?? '');
  if (!isDnsSubdomain(name)) {
    out.push({
      field: es.spec.target.name ? 'spec.target.name' : 'metadata.name',
      message: `the Secret's name ${JSON.stringify(name)} is not a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters`,
    });
  }
  if (!isDnsLabel(es.namespace)) {
    out.push({ field: 'metadata.namespace', message: `namespace ${JSON.stringify(es.namespace)} is not a DNS-1123 label: lowercase letters, digits and "-", at most 63 characters` });
  }
  const literalKeys = new Set([...es.spec.data.map((d) => d.secretKey), ...Object.keys(t?.data ?? {})]);
  const data = (secret['data'] ?? {}) as Record<string, string>;
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    size += Buffer.byteLength(k) + Buffer.from(v, 'base64').length;
    const bad = k === '.' || k === '..' ? 'must not be "." or ".."' : Buffer.byteLength(k) > 253 ? 'must be at most 253 characters' : !SECRET_KEY.test(k) ? 'must consist of letters, digits, "-", "_" or "."' : undefined;
    if (!bad) continue;
    if (literalKeys.has(k)) {
      const d = es.spec.data.findIndex((e) => e.secretKey === k);
      out.push({ field: d >= 0 && !t?.data?.[k] ? `spec.data[${d}].secretKey` : `spec.target.template.data`, message: `Secret data key ${JSON.stringify(k)} ${bad}` });
    } else {
      out.push({ field: t ? 'spec.target.template' : 'spec.dataFrom', message: `a Secret data key produced from provider data ${bad} (the key is not shown: it may come from secret data); use a rewrite or a template to name keys` });
    }
  }
  if (size > MAX_SECRET) out.push({ field: 'spec', message: `the Secret's data is larger than the API server's limit of 1 MiB` });
  for (const kind of ['labels', 'annotations'] as const) {
    const map = (md[kind] ?? {}) as Record<string, string>;
    const literal = { ...(t ? {} : kind === 'labels' ? es.labels : es.annotations), ...(t?.metadata?.[kind] ?? {}) };
    let total = 0;
    for (const [k, v] of Object.entries(map)) {
      total += k.length + v.length;
      const field = k in (t?.metadata?.[kind] ?? {}) ? `spec.target.template.metadata.${kind}.${k}` : t ? `spec.target.template` : `metadata.${kind}`;
      const kp = qualifiedNameProblem(k);
      if (kp) out.push({ field, message: k in literal ? `${kind === 'labels' ? 'label' : 'annotation'} key ${JSON.stringify(k)} ${kp}` : `a ${kind === 'labels' ? 'label' : 'annotation'} key produced by a template ${kp} (not shown: it may come from secret data)` });
      if (kind === 'labels') {
        const vp = labelValueProblem(v);
        if (vp) out.push({ field, message: `the value of label ${k in literal ? JSON.stringify(k) : '(a templated key)'} ${vp} (the value is not shown)` });
      }
    }
    if (kind === 'annotations' && total > MAX_ANNOTATIONS) out.push({ field: t ? 'spec.target.template.metadata.annotations' : 'metadata.annotations', message: 'the Secret\'s annotations are larger than the API server\'s limit of 256 KiB in total' });
  }
  return out;
}
