// Bounds on what a manifest may make the reader do: nesting depth (checked on the parser's tree before
// composing, since the composer recurses) and aliases (expanded into separate copies, depth re-checked).
import { CST, isAlias, isMap, isSeq, Parser } from 'yaml';
import { ManifestError } from './yaml-errors.js';
import { MAX_DEPTH } from './yaml-schema.js';

/**
 * Maximum nesting of collections, measured without recursion (so deep input cannot overflow the stack),
 * and whether the document uses aliases.
 */
export function nestingDepth(root: unknown): { depth: number; aliases: boolean } {
  let max = 0;
  let aliases = false;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    if (isAlias(node)) aliases = true;
    else if (isMap(node)) {
      if (d > max) max = d;
      if (max > MAX_DEPTH) break;
      for (const p of node.items) {
        stack.push([p.key, d + 1]);
        stack.push([p.value, d + 1]);
      }
    } else if (isSeq(node)) {
      if (d > max) max = d;
      if (max > MAX_DEPTH) break;
      for (const it of node.items) stack.push([it, d + 1]);
    }
  }
  return { depth: max, aliases };
}

/**
 * For front ends that parse YAML themselves (a KRM ResourceList): throws a ManifestError when a document
 * nests deeper than MAX_DEPTH, which must be checked before `parseDocument`/`parseAllDocuments` compose
 * it. Use `toJSOptions` from yaml-schema.ts for `toJS`, so aliases stay bounded too.
 */
export function assertNestingWithinLimit(text: string, origin?: string): void {
  let index = 0;
  for (const tok of new Parser().parse(text)) {
    if (tok.type !== 'document') continue;
    if (cstDepth(tok) > MAX_DEPTH) {
      const line = text.slice(0, tok.offset).split('\n').length;
      throw new ManifestError(`nesting deeper than ${MAX_DEPTH} levels`, { file: origin, index, line });
    }
    index++;
  }
}

/** Nesting of collections in a parsed (CST) document, without recursion. */
export function cstDepth(root: CST.Token): number {
  type Entry = { key?: CST.Token | null; value?: CST.Token | null };
  let max = 0;
  const stack: Array<[CST.Token | null | undefined, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [tok, d] = stack.pop()!;
    if (!tok) continue;
    if (tok.type === 'document') stack.push([tok.value, d]);
    else if (tok.type === 'block-map' || tok.type === 'block-seq' || tok.type === 'flow-collection') {
      if (d + 1 > max) max = d + 1;
      if (max > MAX_DEPTH) return max;
      for (const it of tok.items as Entry[]) {
        stack.push([it.key, d + 1]);
        stack.push([it.value, d + 1]);
      }
    }
  }
  return max;
}

/** Nesting of plain data, without recursion (aliases can nest a deep node inside another). */
export function valueDepth(root: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > max) max = d + 1;
    if (max > MAX_DEPTH) return max;
    for (const c of Object.values(v)) stack.push([c, d + 1]);
  }
  return max;
}

/**
 * A copy in which no two places share an object. `toJS` returns one object for an anchor and all its
 * aliases; an engine that edits one place must not edit the others.
 */
export function unshare(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unshare);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    // defineProperty: a `__proto__` key stays a key.
    for (const [k, c] of Object.entries(v)) Object.defineProperty(out, k, { value: unshare(c), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}
