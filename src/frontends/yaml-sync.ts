// Bring a parsed YAML document in line with a changed object while keeping what did not change: nodes
// whose value is the same keep their comments, quoting, anchors and spelling; only the parts that differ
// are rebuilt (with YAML 1.1-safe quoting). Used when a front end edits a passed-through resource.
import { isAlias, isMap, isPair, isScalar, isSeq, Pair, Scalar } from 'yaml';
import type { Document, Node, YAMLMap, YAMLSeq } from 'yaml';
import { createSafeNode } from './yaml-quote.js';
import { toJSOptions } from './yaml-schema.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON-compatible deep equality (key order matters: a reordering is a change worth writing). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function nodeValue(doc: Document, node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (isScalar(node) || isMap(node) || isSeq(node) || isAlias(node)) {
    return (node as Node).toJS(doc, toJSOptions);
  }
  return node;
}

function keyString(doc: Document, key: unknown): string {
  const v = nodeValue(doc, key);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Returns the node to use for `value`: `node` itself (edited in place) or a replacement. */
export function syncNode(doc: Document, node: unknown, value: unknown): Node {
  if (node !== null && node !== undefined && sameJson(nodeValue(doc, node), value)) {
    return node as Node;
  }
  if (isMap(node) && isPlainObject(value) && !hasMergeKey(node)) {
    syncMap(doc, node, value);
    return node;
  }
  if (isSeq(node) && Array.isArray(value)) {
    syncSeq(doc, node, value);
    return node;
  }
  const fresh = createSafeNode(doc, value);
  // A changed scalar keeps the comments that sat on the old node. (Not a new collection: the `yaml`
  // package misplaces a line comment on an empty flow collection written as a mapping value.)
  if (isScalar(fresh) && (isScalar(node) || isMap(node) || isSeq(node))) {
    const old = node as Scalar;
    if (old.commentBefore) fresh.commentBefore = old.commentBefore;
    if (old.comment) fresh.comment = old.comment;
  }
  return fresh;
}

function hasMergeKey(map: YAMLMap): boolean {
  return map.items.some((p) => isScalar(p.key) && p.key.value === '<<' && p.key.type === Scalar.PLAIN);
}

function syncMap(doc: Document, map: YAMLMap, value: Record<string, unknown>): void {
  const byKey = new Map<string, Pair>();
  for (const p of map.items) if (isPair(p)) byKey.set(keyString(doc, p.key), p as Pair);
  const items: Pair[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const existing = byKey.get(k);
    if (existing) {
      existing.value = syncNode(doc, existing.value, v);
      items.push(existing);
    } else {
      items.push(new Pair(createSafeNode(doc, k), createSafeNode(doc, v)));
    }
  }
  map.items = items;
}

function syncSeq(doc: Document, seq: YAMLSeq, value: unknown[]): void {
  const items: unknown[] = [];
  value.forEach((v, i) => {
    items.push(i < seq.items.length ? syncNode(doc, seq.items[i], v) : createSafeNode(doc, v));
  });
  seq.items = items;
}

/**
 * Make `doc.contents` hold `value`, editing the least it can. Anchors make in-place edits visible through
 * their aliases, so the result is checked; if it does not read back as `value`, the contents are rebuilt
 * from `value` (comments inside are then lost, the value is right).
 */
export function syncDocument(doc: Document, value: unknown): void {
  doc.contents = syncNode(doc, doc.contents, value) as Document['contents'];
  let readBack: unknown;
  try {
    readBack = doc.toJS(toJSOptions);
  } catch {
    readBack = undefined;
  }
  if (!sameJson(readBack, value)) doc.contents = createSafeNode(doc, value) as Document['contents'];
}
