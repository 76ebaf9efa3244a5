// Strict field validation, as the API server does it with ESO's CRDs installed (kubectl's default since
// 1.27): unknown fields, types, enums, patterns, bounds and required fields from ESO's own OpenAPI schemas
// (src/eso/schema-table.generated.ts), plus Go durations where ESO parses one. Every problem names the
// field path; an unknown field comes with the field ESO's schema has instead ("did you mean"), including a
// field written at the wrong level. Values are never quoted, except a rejected enum value (a word the
// manifest's author wrote, not data).

import type { KubeObject } from '../engine/types.js';
import type { SchemaNode, SchemaRoot } from './schema-types.js';
import { NODES, ROOTS } from './schema-table.generated.js';
import { closest } from '../common/suggest.js';
import { parseGoDuration } from '../common/duration.js';

export interface StrictProblem {
  field: string;
  message: string;
}

/** ObjectMeta as the API server knows it (the CRDs say only `metadata: {type: object}`). */
const OBJECT_META = [
  'annotations', 'creationTimestamp', 'deletionGracePeriodSeconds', 'deletionTimestamp', 'finalizers', 'generateName',
  'generation', 'labels', 'managedFields', 'name', 'namespace', 'ownerReferences', 'resourceVersion', 'selfLink', 'uid',
];

export function schemaRoot(apiVersion: unknown, kind: unknown): SchemaRoot | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  return ROOTS[`${apiVersion}/${kind}`];
}

/** Kinds the table holds for an API group (`external-secrets.io`), for "did you mean" on an unknown kind. */
export function schemaKinds(group: string): string[] {
  const out = new Set<string>();
  for (const k of Object.keys(ROOTS)) {
    const [g, , kind] = k.split('/');
    if (g === group && kind) out.add(kind);
  }
  return [...out];
}

/** Node of a field path below a root (`spec.provider.vault.auth`), for callers that check one part. */
export function schemaNodeAt(root: SchemaRoot, path: readonly string[]): SchemaNode | undefined {
  let n: SchemaNode | undefined = NODES[root.node];
  for (const p of path) {
    if (!n) return undefined;
    if (p === '[]') n = n.i !== undefined ? NODES[n.i] : undefined;
    else n = n.p?.[p] !== undefined ? NODES[n.p[p]!] : typeof n.ap === 'number' ? NODES[n.ap] : undefined;
  }
  return n;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (path: string, k: string) => (path ? `${path}.${k}` : k);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** What a CRD pattern means, in words a user can act on. */
const PATTERN_WORDS: Record<string, string> = {
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$': 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$': 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
  '^[-._a-zA-Z0-9]+$': 'must match ^[-._a-zA-Z0-9]+$ (letters, digits, "-", "_" and "." only)',
};

/** Old values ESO no longer takes, and what to write instead. */
const ENUM_HINTS: Record<string, string> = {
  'engineVersion=v1': 'template engine v1 (removed from ESO): write engineVersion: v2, or leave it out, and use v2 syntax ({{ .key }}; v1\'s {{ .key | toString }} is not needed)',
};

interface Frame {
  node: SchemaNode;
  path: string;
}

/** Where a field of that name lives below `from` (objects only, up to three levels), shortest first. */
function findBelow(from: SchemaNode, name: string, depth = 3): string[] | undefined {
  let level: { node: SchemaNode; rel: string[] }[] = [{ node: from, rel: [] }];
  for (let d = 0; d < depth; d++) {
    const next: { node: SchemaNode; rel: string[] }[] = [];
    for (const { node, rel } of level) {
      for (const [k, idx] of Object.entries(node.p ?? {})) {
        const child = NODES[idx]!;
        if (d > 0 && k === name) return [...rel, k];
        if (child.t === 'object' && child.p) next.push({ node: child, rel: [...rel, k] });
      }
    }
    level = next;
  }
  return undefined;
}

function unknownField(key: string, frame: Frame, ancestors: readonly Frame[]): string {
  const known = Object.keys(frame.node.p ?? {});
  const head = `unknown field "${key}"`;
  const near = closest(key, known);
  if (near && near.toLowerCase() === key.toLowerCase()) return `${head}: did you mean "${near}" (${join(frame.path, near)})?`;
  const below = findBelow(frame.node, key);
  if (below) return `${head}: ESO's schema has it one level down, at ${join(frame.path, below.join('.'))}`;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i]!;
    if (a.node.p?.[key] !== undefined && !a.path.endsWith(']')) return `${head}: ESO's schema has it higher up, at ${join(a.path, key)}`;
  }
  if (near) return `${head}: did you mean "${near}" (${join(frame.path, near)})?`;
  if (known.length === 0) return `${head}: ${frame.path || 'the resource'} takes no fields`;
  return known.length <= 16
    ? `${head}: ${frame.path || 'the resource'} takes ${known.join(', ')}`
    : `${head}: not in ESO's schema for ${frame.path || 'the resource'} (${known.length} fields; see the CRD)`;
}

function checkScalar(v: unknown, n: SchemaNode, path: string, out: StrictProblem[]): void {
  const fail = (message: string): void => void out.push({ field: path, message });
  switch (n.t) {
    case 'string': {
      if (typeof v !== 'string') return fail(`must be a string, not ${typeName(v)}`);
      if (n.e && !n.e.includes(v)) {
        const hint = ENUM_HINTS[`${path.replace(/^.*\./, '')}=${v}`];
        return fail(`unsupported value ${JSON.stringify(v)}: supported values are ${n.e.map((e) => JSON.stringify(e)).join(', ')}${hint ? `; ${hint}` : ''}`);
      }
      if (n.mnl !== undefined && [...v].length < n.mnl) fail(n.mnl === 1 ? 'must not be empty' : `must be at least ${n.mnl} characters`);
      if (n.mxl !== undefined && [...v].length > n.mxl) fail(`must be at most ${n.mxl} characters`);
      if (n.pat !== undefined && !new RegExp(n.pat, 'u').test(v)) fail(PATTERN_WORDS[n.pat] ?? `must match ${n.pat}`);
      if (n.f === 'duration' && v !== '') {
        try {
          parseGoDuration(v);
        } catch {
          fail('must be a Go duration such as "1h", "30m" or "1h30m" (units ns, us, ms, s, m, h)');
        }
      }
      if (n.f === 'byte' && !BASE64.test(v.replace(/\s+/g, ''))) fail('must be base64-encoded');
      if (n.f === 'date-time' && !DATE_TIME.test(v)) fail('must be an RFC 3339 date-time such as "2026-01-31T12:00:00Z"');
      return;
    }
    case 'integer':
    case 'number': {
      if (typeof v !== 'number' || (n.t === 'integer' && !Number.isInteger(v))) return fail(`must be ${n.t === 'integer' ? 'an integer' : 'a number'}, not ${typeName(v)}`);
      if (n.f === 'int32' && (v < -(2 ** 31) || v >= 2 ** 31)) fail('must fit in 32 bits');
      if (n.min !== undefined && v < n.min) fail(`must be at least ${n.min}`);
      if (n.max !== undefined && v > n.max) fail(`must be at most ${n.max}`);
      if (n.e && !n.e.includes(v)) fail(`unsupported value: supported values are ${n.e.map((e) => JSON.stringify(e)).join(', ')}`);
      return;
    }
    case 'boolean':
      if (typeof v !== 'boolean') fail(`must be a boolean, not ${typeName(v)}`);
      return;
    case 'int-or-string':
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isInteger(v))) fail(`must be an integer or a string, not ${typeName(v)}`);
      return;
  }
}

function walk(v: unknown, n: SchemaNode, path: string, ancestors: Frame[], out: StrictProblem[]): void {
  // Structural schemas prune nulls of fields that are not nullable before validating.
  if (v === null || v === undefined || n.t === 'any') return;
  if (n.t === 'array') {
    if (!Array.isArray(v)) return void out.push({ field: path, message: `must be a list, not ${typeName(v)}` });
    if (n.mni !== undefined && v.length < n.mni) out.push({ field: path, message: `must have at least ${n.mni} item${n.mni === 1 ? '' : 's'}` });
    if (n.mxi !== undefined && v.length > n.mxi) out.push({ field: path, message: `must have at most ${n.mxi} items` });
    const items = n.i !== undefined ? NODES[n.i]! : undefined;
    if (items) v.forEach((x, i) => walk(x, items, `${path}[${i}]`, ancestors, out));
    return;
  }
  if (n.t !== 'object') return checkScalar(v, n, path, out);
  if (!isObj(v)) return void out.push({ field: path, message: `must be an object, not ${typeName(v)}` });
  const frame: Frame = { node: n, path };
  const keys = Object.keys(v).filter((k) => v[k] !== null && v[k] !== undefined);
  if (n.mnp !== undefined && keys.length < n.mnp) out.push({ field: path, message: `must set at least ${n.mnp} field${n.mnp === 1 ? '' : 's'}` });
  if (n.mxp !== undefined && keys.length > n.mxp) out.push({ field: path, message: `must set at most ${n.mxp} field${n.mxp === 1 ? '' : 's'}` });
  for (const k of n.r ?? []) {
    const defaulted = n.p?.[k] !== undefined && NODES[n.p[k]!]!.d === 1;
    if ((v[k] === null || v[k] === undefined) && !defaulted) out.push({ field: join(path, k), message: 'is required' });
  }
  const free = !n.p && n.ap === undefined; // `type: object` alone: the CRD does not describe it
  for (const k of Object.keys(v)) {
    const child = n.p?.[k];
    if (child !== undefined) walk(v[k], NODES[child]!, join(path, k), [...ancestors, frame], out);
    else if (typeof n.ap === 'number') walk(v[k], NODES[n.ap]!, join(path, k), [...ancestors, frame], out);
    else if (n.ap === true || n.x || free) continue;
    else out.push({ field: join(path, k), message: unknownField(k, frame, ancestors) });
  }
}

function checkMetadata(md: unknown, out: StrictProblem[]): void {
  if (md === undefined || md === null) return;
  if (!isObj(md)) return void out.push({ field: 'metadata', message: `must be an object, not ${typeName(md)}` });
  for (const k of Object.keys(md)) {
    if (!OBJECT_META.includes(k)) {
      const near = closest(k, OBJECT_META);
      out.push({ field: `metadata.${k}`, message: `unknown field "${k}"${near ? `: did you mean "${near}" (metadata.${near})?` : ''}` });
    }
  }
  for (const m of ['labels', 'annotations']) {
    const map = md[m];
    if (map === undefined || map === null) continue;
    if (!isObj(map)) out.push({ field: `metadata.${m}`, message: `must be an object, not ${typeName(map)}` });
    else for (const [k, x] of Object.entries(map)) if (typeof x !== 'string') out.push({ field: `metadata.${m}.${k}`, message: `must be a string, not ${typeName(x)}` });
  }
  for (const s of ['name', 'namespace', 'generateName']) {
    if (md[s] !== undefined && md[s] !== null && typeof md[s] !== 'string') out.push({ field: `metadata.${s}`, message: `must be a string, not ${typeName(md[s])}` });
  }
}

/** Problems of an ESO object against its CRD schema; undefined when the table has no schema for it. */
export function checkStrict(obj: KubeObject): StrictProblem[] | undefined {
  const root = schemaRoot(obj.apiVersion, obj.kind);
  if (!root) return undefined;
  const out: StrictProblem[] = [];
  const { metadata, ...rest } = obj;
  checkMetadata(metadata, out);
  walk(rest, NODES[root.node]!, '', [], out);
  return out;
}
