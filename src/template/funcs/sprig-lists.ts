// Sprig's list functions (list.go, strings.go's split family). Lists of any slice type are read
// through "reflect" (listItems); results are []interface{} unless sprig's Go signature says otherwise.
// The non-must variants panic with the must variant's error, which text/template reports the same way.

import { elemType, goKindName, nilSlice, typedMap, typedSlice, type Value } from '../values.js';
import { castToInt64, floatToInt64, strslice, strval } from './sprig-conv.js';
import { deepEqual, isEmpty, kindOrPanic, listItems, listOrThrow } from './sprig-reflect.js';
import { goSplit } from './sprig-strings.js';
import type { FuncEntry } from './sprig-types.js';
import { compareBin } from '../fmt.js';

function push(list: Value, v: Value): Value[] {
  return [...listOrThrow(list, 'Cannot push on type'), v];
}
function prepend(list: Value, v: Value): Value[] {
  return [v, ...listOrThrow(list, 'Cannot prepend on type')];
}

function first(list: Value): Value {
  const l = listOrThrow(list, 'Cannot find first on type');
  return l.length === 0 ? null : l[0]!;
}
function last(list: Value): Value {
  const l = listOrThrow(list, 'Cannot find last on type');
  return l.length === 0 ? null : l[l.length - 1]!;
}
// sprig returns a nil slice (JSON null) for the rest/initial of an empty list.
function rest(list: Value): Value[] {
  const l = listOrThrow(list, 'Cannot find rest on type');
  return l.length === 0 ? nilSlice('interface {}') : l.slice(1);
}
function initial(list: Value): Value[] {
  const l = listOrThrow(list, 'Cannot find initial on type');
  return l.length === 0 ? nilSlice('interface {}') : l.slice(0, l.length - 1);
}
function reverse(list: Value): Value[] {
  return [...listOrThrow(list, 'Cannot find reverse on type')].reverse();
}
function compact(list: Value): Value[] {
  return listOrThrow(list, 'Cannot compact on type').filter((x) => !isEmpty(x));
}
function uniq(list: Value): Value[] {
  const out: Value[] = [];
  for (const x of listOrThrow(list, 'Cannot find uniq on type')) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
}
function without(list: Value, ...omit: Value[]): Value[] {
  return listOrThrow(list, 'Cannot find without on type').filter((x) => !omit.some((o) => deepEqual(x, o)));
}
function has(needle: Value, haystack: Value): boolean {
  if (haystack === null || haystack === undefined) return false;
  return listOrThrow(haystack, 'Cannot find has on type').some((x) => deepEqual(needle, x));
}

/** mustSlice: list[start:end] keeping the list's Go type; nil for an empty list. */
function slice(list: Value, ...indices: Value[]): Value {
  const kind = kindOrPanic(list);
  const items = listItems(list);
  if (!items) throw new Error(`list should be type of slice or array but ${kind}`);
  const l = items.length;
  if (l === 0) return null;
  const start = indices.length > 0 ? Number(castToInt64(indices[0]!)) : 0;
  const end = indices.length < 2 ? l : Number(castToInt64(indices[1]!));
  if (start < 0 || end < start || end > l) throw new Error('reflect.Value.Slice: slice index out of bounds');
  if (list instanceof Uint8Array) return list.slice(start, end);
  return typedSlice((list as Value[]).slice(start, end), elemType(list as Value[]));
}

function concat(...lists: Value[]): Value {
  // Go appends to a nil slice: nothing to append leaves it nil.
  const out: Value[] = nilSlice('interface {}');
  for (const list of lists) {
    const kind = kindOrPanic(list);
    const items = listItems(list);
    if (!items) throw new Error(`Cannot concat type ${kind} as list`);
    out.push(...items);
  }
  return out;
}

function chunk(size: bigint, list: Value): Value[][] {
  const items = listOrThrow(list, 'Cannot chunk type');
  const l = items.length;
  const sz = Number(size);
  // The same float arithmetic as list.go, including its odd results for sizes <= 0.
  const cs = Number(floatToInt64(Math.floor((l - 1) / sz) + 1));
  if (cs < 0) throw new Error('runtime error: makeslice: len out of range');
  const out: Value[][] = [];
  for (let i = 0; i < cs; i++) {
    let clen = sz;
    if (i === cs - 1) {
      clen = Number(floatToInt64(Math.floor(l % sz)));
      if (clen === 0) clen = sz;
    }
    if (clen < 0) throw new Error('runtime error: makeslice: len out of range');
    const c: Value[] = [];
    for (let j = 0; j < clen; j++) {
      const ix = i * sz + j;
      if (ix < 0 || ix >= l) throw new Error('reflect: slice index out of range');
      c.push(items[ix]!);
    }
    out.push(c);
  }
  return out;
}

function sortAlpha(list: Value): string[] {
  if (list !== null && list !== undefined && goKindName(list) === 'slice') return strslice(list).sort(compareBin);
  return [strval(list)];
}

function splitMap(parts: string[]): Map<string, string> {
  const m = new Map<string, string>();
  parts.forEach((p, i) => m.set('_' + i, p));
  return typedMap(m, 'string');
}

export const listFuncs: FuncEntry[] = [
  { name: 'list', sig: 'func(...interface {}) []interface {}', fn: (...v: Value[]) => v },
  { name: 'tuple', sig: 'func(...interface {}) []interface {}', fn: (...v: Value[]) => v },
  { name: 'append', sig: 'func(interface {}, interface {}) []interface {}', fn: push },
  { name: 'push', sig: 'func(interface {}, interface {}) []interface {}', fn: push },
  { name: 'mustAppend', sig: 'func(interface {}, interface {}) ([]interface {}, error)', fn: push },
  { name: 'mustPush', sig: 'func(interface {}, interface {}) ([]interface {}, error)', fn: push },
  { name: 'prepend', sig: 'func(interface {}, interface {}) []interface {}', fn: prepend },
  { name: 'mustPrepend', sig: 'func(interface {}, interface {}) ([]interface {}, error)', fn: prepend },
  { name: 'first', sig: 'func(interface {}) interface {}', fn: first },
  { name: 'mustFirst', sig: 'func(interface {}) (interface {}, error)', fn: first },
  { name: 'rest', sig: 'func(interface {}) []interface {}', fn: rest },
  { name: 'mustRest', sig: 'func(interface {}) ([]interface {}, error)', fn: rest },
  { name: 'last', sig: 'func(interface {}) interface {}', fn: last },
  { name: 'mustLast', sig: 'func(interface {}) (interface {}, error)', fn: last },
  { name: 'initial', sig: 'func(interface {}) []interface {}', fn: initial },
  { name: 'mustInitial', sig: 'func(interface {}) ([]interface {}, error)', fn: initial },
  { name: 'reverse', sig: 'func(interface {}) []interface {}', fn: reverse },
  { name: 'mustReverse', sig: 'func(interface {}) ([]interface {}, error)', fn: reverse },
  { name: 'compact', sig: 'func(interface {}) []interface {}', fn: compact },
  { name: 'mustCompact', sig: 'func(interface {}) ([]interface {}, error)', fn: compact },
  { name: 'uniq', sig: 'func(interface {}) []interface {}', fn: uniq },
  { name: 'mustUniq', sig: 'func(interface {}) ([]interface {}, error)', fn: uniq },
  { name: 'without', sig: 'func(interface {}, ...interface {}) []interface {}', fn: without },
  { name: 'mustWithout', sig: 'func(interface {}, ...interface {}) ([]interface {}, error)', fn: without },
  { name: 'has', sig: 'func(interface {}, interface {}) bool', fn: has },
  { name: 'mustHas', sig: 'func(interface {}, interface {}) (bool, error)', fn: has },
  { name: 'slice', sig: 'func(interface {}, ...interface {}) interface {}', fn: slice },
  { name: 'mustSlice', sig: 'func(interface {}, ...interface {}) (interface {}, error)', fn: slice },
  { name: 'concat', sig: 'func(...interface {}) interface {}', fn: concat },
  { name: 'chunk', sig: 'func(int, interface {}) [][]interface {}', fn: chunk },
  { name: 'mustChunk', sig: 'func(int, interface {}) ([][]interface {}, error)', fn: chunk },
  { name: 'sortAlpha', sig: 'func(interface {}) []string', fn: sortAlpha },
  { name: 'join', sig: 'func(string, interface {}) string', fn: (sep: string, v: Value) => strslice(v).join(sep) },
  { name: 'split', sig: 'func(string, string) map[string]string', fn: (sep: string, s: string) => splitMap(goSplit(s, sep)) },
  { name: 'splitList', sig: 'func(string, string) []string', fn: (sep: string, s: string) => goSplit(s, sep) },
  {
    name: 'splitn',
    sig: 'func(string, int, string) map[string]string',
    fn: (sep: string, n: bigint, s: string) => splitMap(goSplit(s, sep, Number(n))),
  },
];
