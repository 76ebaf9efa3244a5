// The redacted preview (issue 11): the Secrets' shape, keys, types and templated structure, without
// credentials and without values. No backend is contacted; each value becomes a placeholder derived from
// its reference, never from the value. The fake store is local, so its keys are read for real (then
// redacted); for other stores, keys that only the backend knows (extract, find) stand as one placeholder key.

import type { KubeObject } from './types.js';
import type { PlannedRead } from './plan.js';
import { fetchAll, type FetchOptions, type ReadResult } from './fetch.js';
import { storeLabel } from '../common/store-label.js';
import { ANNOTATION_DATA_HASH } from '../eso/model.js';
import { setKey } from '../common/records.js';

export const ANNOTATION_REDACTED = 'eso-render.dev/redacted';

const enc = (s: string) => Buffer.from(s, 'utf8');

function refText(r: PlannedRead): string {
  const store = r.store ? storeLabel(r.store) : r.storeKey;
  switch (r.read.op) {
    case 'get':
    case 'map': {
      const ref = r.read.ref;
      return `${store}:${ref.key}${ref.property ? `#${ref.property}` : ''}${ref.version ? `@${ref.version}` : ''}`;
    }
    case 'find':
      return `${store}:find${r.read.ref.path ? `:${r.read.ref.path}` : ''}`;
    default:
      return `${store}`;
  }
}

const sanitize = (s: string) => s.replace(/[^-._a-zA-Z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'key';

function redactMap(prefix: string, m: Map<string, Uint8Array>): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const k of m.keys()) out.set(k, enc(`<redacted:${prefix}/${k}>`));
  return out;
}

function isLocal(r: PlannedRead): boolean {
  return r.read.op === 'generate' ? r.read.generator.kind === 'Fake' : r.store?.provider === 'fake';
}

export async function fetchRedacted(reads: Iterable<PlannedRead>, o: FetchOptions): Promise<Map<string, ReadResult>> {
  const all = [...reads];
  const local = await fetchAll(all.filter(isLocal), o);
  const out = new Map<string, ReadResult>();
  for (const r of all) {
    const text = refText(r);
    if (isLocal(r)) {
      const res = local.get(r.id)!;
      if (!res.ok) out.set(r.id, res);
      else if (res.value instanceof Map) out.set(r.id, { ok: true, value: redactMap(text, res.value) });
      else out.set(r.id, { ok: true, value: enc(`<redacted:${text}>`) });
      continue;
    }
    switch (r.read.op) {
      case 'get':
        out.set(r.id, { ok: true, value: enc(`<redacted:${text}>`) });
        break;
      case 'map':
        out.set(r.id, { ok: true, value: new Map([[`redacted-extract-${sanitize(r.read.ref.key)}`, enc(`<redacted:${text}>`)]]) });
        break;
      case 'find':
        out.set(r.id, { ok: true, value: new Map([[`redacted-find-${sanitize(r.read.ref.path ?? r.read.ref.name?.regexp ?? '')}`, enc(`<redacted:${text}>`)]]) });
        break;
      case 'generate':
        out.set(r.id, { ok: true, value: new Map([[`redacted-${sanitize(String(r.read.generator.kind))}`, enc(`<redacted:${r.storeKey}>`)]]) });
        break;
    }
  }
  return out;
}

/** Show redacted values as readable text (stringData); the data hash would only hash placeholders. */
export function redactSecret(secret: KubeObject): KubeObject {
  const data = (secret['data'] ?? {}) as Record<string, string>;
  const stringData: Record<string, string> = {};
  const binary: Record<string, string> = {};
  for (const [k, b64] of Object.entries(data)) {
    const bytes = Buffer.from(b64, 'base64');
    const text = bytes.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(bytes)) setKey(stringData, k, text);
    else setKey(binary, k, b64);
  }
  const md = structuredClone(secret.metadata ?? {});
  const annotations: Record<string, string> = { ...(md.annotations ?? {}), [ANNOTATION_DATA_HASH]: 'redacted', [ANNOTATION_REDACTED]: 'true' };
  md.annotations = Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const out: KubeObject = { ...secret, metadata: md };
  delete out['data'];
  if (Object.keys(binary).length) out['data'] = binary;
  out['stringData'] = stringData;
  return out;
}
