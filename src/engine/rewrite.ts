// dataFrom[].rewrite (eso-semantics §3.5): regexp, transform and merge, applied in order.

import type { Rewrite } from '../eso/model.js';
import { compileGoRegexp } from '../common/go-regexp.js';
import { byteOrder, goByteValue, goJsonMarshal } from '../providers/shared/json-map.js';
import type { Budget, TemplateOptions } from '../template/index.js';
import { templateEngine } from './template-engine.js';
import { setKey } from '../common/records.js';

// Errors name keys by position (`key #2`), never by name: the keys being rewritten came from a backend
// (an extract's JSON properties are part of the secret's value).
export function applyRewrites(
  data: Map<string, Uint8Array>,
  rewrites: Rewrite[],
  delims: { left: string; right: string },
  where: { field?: string; budget?: Budget } = {},
): Map<string, Uint8Array> {
  let cur = data;
  rewrites.forEach((rw, i) => {
    try {
      if ('regexp' in rw) cur = rewriteRegexp(cur, rw.regexp.source, rw.regexp.target);
      else if ('transform' in rw) cur = rewriteTransform(cur, rw.transform.template, delims, `${where.field ?? 'rewrite'}.rewrite[${i}].transform`, where.budget);
      else cur = rewriteMerge(cur, rw.merge);
    } catch (e) {
      throw new Error(`error applying rewrite to keys: failed rewrite operation[${i}]: ${(e as Error).message}`);
    }
  });
  return cur;
}

function rewriteRegexp(data: Map<string, Uint8Array>, source: string, target: string): Map<string, Uint8Array> {
  const re = compileGoRegexp(source);
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of data) out.set(re.replaceAll(k, target), v);
  return out;
}

function rewriteTransform(
  data: Map<string, Uint8Array>,
  template: string,
  delims: { left: string; right: string },
  origin: string,
  budget: Budget | undefined,
): Map<string, Uint8Array> {
  // ESO uses the default delimiters and no missingkey=error here; the controller flags do not apply.
  void delims;
  const opts: TemplateOptions = { leftDelim: '{{', rightDelim: '}}', missingKey: 'default', origin, ...(budget ? { budget } : {}) };
  const { executeTemplate } = templateEngine();
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of data) {
    const key = Buffer.from(executeTemplate('transform', template, new Map([['value', Buffer.from(k, 'utf8')]]), opts)).toString('utf8');
    out.set(key, v);
  }
  return out;
}

function rewriteMerge(
  data: Map<string, Uint8Array>,
  m: { into?: string; priority?: string[]; priorityPolicy?: string; conflictPolicy?: string; strategy?: string },
): Map<string, Uint8Array> {
  const priority = m.priority ?? [];
  const strategy = m.strategy || 'Extract';
  if (strategy === 'JSON' && !m.into) throw new Error("merge failed with missing 'into' field");
  const rest = [...data.keys()].filter((k) => !priority.includes(k)).sort(byteOrder);
  const order: string[] = [...rest];
  for (const p of priority) {
    if (!data.has(p)) {
      if (m.priorityPolicy === 'IgnoreNotFound') continue;
      throw new Error(`merge failed with key "${p}" not found in input map`);
    }
    order.push(p);
  }
  const merged: Record<string, unknown> = {};
  const seen = new Set<string>();
  const conflicts = new Set<string>();
  // Keys by position in the order merged (priority keys last); a priority key is named, as the manifest names it.
  const keyName = (k: string, n: number) => (priority.includes(k) ? `key "${k}"` : `key #${n + 1}`);
  for (const [n, k] of order.entries()) {
    let obj: unknown;
    try {
      obj = JSON.parse(Buffer.from(data.get(k)!).toString('utf8'));
    } catch {
      throw new Error(`merge failed: value of ${keyName(k, n)} is not a JSON object`);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`merge failed: value of ${keyName(k, n)} is not a JSON object`);
    for (const [mk, mv] of Object.entries(obj as Record<string, unknown>)) {
      if (seen.has(mk)) conflicts.add(mk);
      seen.add(mk);
      setKey(merged, mk, mv);
    }
  }
  if (conflicts.size && m.conflictPolicy !== 'Ignore') {
    // The conflicting names are properties inside the values: data, so only their number is given.
    throw new Error(`merge failed with conflicts: ${conflicts.size} key(s) appear in more than one value`);
  }
  if (strategy === 'JSON') {
    const out = new Map(data);
    out.set(m.into!, Buffer.from(goJsonMarshal(merged, { escapeHTML: false }), 'utf8'));
    return out;
  }
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(merged)) out.set(k, goByteValue(v, { escapeHTML: true }));
  return out;
}
