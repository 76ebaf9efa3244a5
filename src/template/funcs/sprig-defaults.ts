// Sprig's defaults and reflection functions (defaults.go, reflect.go).

import { goKindName, goTypeName, type Value } from '../values.js';
import { deepEqual, isEmpty } from './sprig-reflect.js';
import type { FuncEntry } from './sprig-types.js';

export const defaultFuncs: FuncEntry[] = [
  {
    name: 'default',
    sig: 'func(interface {}, ...interface {}) interface {}',
    fn: (d: Value, ...given: Value[]) => (given.length === 0 || isEmpty(given[0]) ? d : given[0]!),
  },
  { name: 'empty', sig: 'func(interface {}) bool', fn: (v: Value) => isEmpty(v) },
  {
    name: 'coalesce',
    sig: 'func(...interface {}) interface {}',
    fn: (...vs: Value[]) => vs.find((v) => !isEmpty(v)) ?? null,
  },
  { name: 'all', sig: 'func(...interface {}) bool', fn: (...vs: Value[]) => vs.every((v) => !isEmpty(v)) },
  { name: 'any', sig: 'func(...interface {}) bool', fn: (...vs: Value[]) => vs.some((v) => !isEmpty(v)) },
  {
    name: 'ternary',
    sig: 'func(interface {}, interface {}, bool) interface {}',
    fn: (vt: Value, vf: Value, b: boolean) => (b ? vt : vf),
  },
  { name: 'typeOf', sig: 'func(interface {}) string', fn: (v: Value) => goTypeName(v) },
  { name: 'typeIs', sig: 'func(string, interface {}) bool', fn: (t: string, v: Value) => t === goTypeName(v) },
  {
    name: 'typeIsLike',
    sig: 'func(string, interface {}) bool',
    fn: (t: string, v: Value) => {
      const n = goTypeName(v);
      return t === n || '*' + t === n;
    },
  },
  { name: 'kindOf', sig: 'func(interface {}) string', fn: (v: Value) => goKindName(v) },
  { name: 'kindIs', sig: 'func(string, interface {}) bool', fn: (t: string, v: Value) => t === goKindName(v) },
  { name: 'deepEqual', sig: 'func(interface {}, interface {}) bool', fn: (a: Value, b: Value) => deepEqual(a, b) },
];
