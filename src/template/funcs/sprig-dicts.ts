// Sprig's dict functions (dict.go). Dicts are Go map[string]interface{} (JS Maps, mutated in place
// as Go mutates maps); merge/mergeOverwrite follow dario.cat/mergo v1.0.2's map rules.

import { goKindName, goTypeName as goTypeOf, isNilContainer, type Value } from '../values.js';
import { strval } from './sprig-conv.js';
import { assertMap, deepCopy, isEmpty } from './sprig-reflect.js';
import { SemVersion } from './sprig-semver.js';
import type { FuncEntry } from './sprig-types.js';

type Dict = Map<string, Value>;

function dict(...v: Value[]): Dict {
  const d: Dict = new Map();
  for (let i = 0; i < v.length; i += 2) d.set(strval(v[i]!), i + 1 >= v.length ? '' : v[i + 1]!);
  return d;
}

/**
 * mergo.Merge / MergeWithOverwrite of one map[string]interface{} into another:
 * - a nil source value is copied only when overwriting;
 * - nested maps are merged into the destination's map in place when both sides are maps;
 * - slices are never merged: a non-empty destination value is kept unless overwriting;
 * - otherwise the source value is set when overwriting or when the destination is missing or empty.
 */
export function mergeInto(dst: Dict, src: ReadonlyMap<string, Value>, overwrite: boolean): void {
  for (const [key, sv] of src) {
    const had = dst.has(key);
    const dv = had ? dst.get(key)! : null;
    if (sv === null) {
      if (overwrite) dst.set(key, null);
      continue;
    }
    const kind = goKindName(sv);
    // A nil map in the destination is not merged into (mergo cannot set it); it is replaced below.
    if (kind === 'map' && had && dv instanceof Map && !isNilContainer(dv)) {
      mergeInto(dv, sv as Dict, overwrite);
    } else if (kind === 'slice') {
      // mergo decides on the emptiness of the whole destination map here, not of the element.
      let next: Value = had && dv !== null ? dv : [];
      if (overwrite || dst.size === 0) next = sv;
      dst.set(key, next);
    }
    if (had && !isEmpty(dv)) {
      if (kind === 'slice') continue;
      if (kind === 'map' && goKindName(dv) === 'map') continue;
    }
    if (overwrite || !had || isEmpty(dv)) dst.set(key, sv);
  }
}

function merge(overwrite: boolean) {
  return (dst: Dict, ...srcs: Dict[]): Value => {
    for (const src of srcs) {
      // mergo makes a nil destination map as soon as a source is not nil.
      if (isNilContainer(dst) && !isNilContainer(src)) dst = new Map();
      mergeInto(dst, src, overwrite);
    }
    return dst;
  };
}

/** copystructure.Copy; nil makes reflect panic. */
function copyValue(v: Value): Value {
  if (v === null || v === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  // copystructure copies exported fields only: a *semver.Version (all unexported) comes out zero.
  if (v instanceof SemVersion) return new SemVersion(0n, 0n, 0n, '', '', '');
  return deepCopy(v);
}

/** dig: walks nested map[string]interface{} by keys; the default when a key is missing. */
function dig(...ps: Value[]): Value {
  if (ps.length < 3) throw new Error('dig needs at least three arguments');
  let d = assertMap(ps[ps.length - 1]!);
  const def = ps[ps.length - 2]!;
  const keys = ps.slice(0, -2).map((k) => {
    if (typeof k !== 'string') throw new Error(`interface conversion: interface {} is ${k === null ? 'nil' : goTypeOf(k)}, not string`);
    return k;
  });
  for (let i = 0; ; i++) {
    const k = keys[i]!;
    if (!d.has(k)) return def;
    const step = d.get(k)!;
    if (i === keys.length - 1) return step;
    d = assertMap(step);
  }
}

export const dictFuncs: FuncEntry[] = [
  { name: 'dict', sig: 'func(...interface {}) map[string]interface {}', fn: dict },
  {
    name: 'get',
    sig: 'func(map[string]interface {}, string) interface {}',
    fn: (d: Dict, k: string) => (d.has(k) ? d.get(k)! : ''),
  },
  {
    name: 'set',
    sig: 'func(map[string]interface {}, string, interface {}) map[string]interface {}',
    fn: (d: Dict, k: string, v: Value) => d.set(k, v),
  },
  {
    name: 'unset',
    sig: 'func(map[string]interface {}, string) map[string]interface {}',
    fn: (d: Dict, k: string) => (d.delete(k), d),
  },
  { name: 'hasKey', sig: 'func(map[string]interface {}, string) bool', fn: (d: Dict, k: string) => d.has(k) },
  {
    name: 'pluck',
    sig: 'func(string, ...map[string]interface {}) []interface {}',
    fn: (k: string, ...ds: Dict[]) => ds.filter((d) => d.has(k)).map((d) => d.get(k)!),
  },
  {
    name: 'keys',
    sig: 'func(...map[string]interface {}) []string',
    fn: (...ds: Dict[]) => ds.flatMap((d) => [...d.keys()]),
  },
  {
    name: 'pick',
    sig: 'func(map[string]interface {}, ...string) map[string]interface {}',
    fn: (d: Dict, ...ks: string[]) => new Map(ks.filter((k) => d.has(k)).map((k) => [k, d.get(k)!])),
  },
  {
    name: 'omit',
    sig: 'func(map[string]interface {}, ...string) map[string]interface {}',
    fn: (d: Dict, ...ks: string[]) => new Map([...d].filter(([k]) => !ks.includes(k))),
  },
  { name: 'merge', sig: 'func(map[string]interface {}, ...map[string]interface {}) interface {}', fn: merge(false) },
  { name: 'mustMerge', sig: 'func(map[string]interface {}, ...map[string]interface {}) (interface {}, error)', fn: merge(false) },
  { name: 'mergeOverwrite', sig: 'func(map[string]interface {}, ...map[string]interface {}) interface {}', fn: merge(true) },
  {
    name: 'mustMergeOverwrite',
    sig: 'func(map[string]interface {}, ...map[string]interface {}) (interface {}, error)',
    fn: merge(true),
  },
  { name: 'values', sig: 'func(map[string]interface {}) []interface {}', fn: (d: Dict) => [...d.values()] },
  { name: 'dig', sig: 'func(...interface {}) (interface {}, error)', fn: dig },
  { name: 'deepCopy', sig: 'func(interface {}) interface {}', fn: copyValue },
  { name: 'mustDeepCopy', sig: 'func(interface {}) (interface {}, error)', fn: copyValue },
];
