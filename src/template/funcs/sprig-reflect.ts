// Reflection helpers shared by the list, dict and default functions: sprig's `empty`, Go's
// reflect.DeepEqual, list access through reflect (any slice kind), deep copies, and the texts of the
// runtime panics Go's reflect produces (text/template turns a panic into the call's error).

import { elemType, goKindName, goTypeName, GoFloat32, GoInt, GoObject, isNilContainer, isTrue, typedMap, typedSlice, type Value } from '../values.js';

export const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

/** sprig's empty(): nil, zero numbers, false, and empty strings, slices and maps. */
export function isEmpty(v: Value | undefined): boolean {
  return !isTrue(v);
}

/** reflect.TypeOf(v).Kind(), panicking on nil as reflect does. */
export function kindOrPanic(v: Value | undefined): string {
  if (v === null || v === undefined) throw new Error(NIL_DEREF);
  return goKindName(v);
}

/** The elements of a slice value (any element type), or undefined when v is not a slice. */
export function listItems(v: Value): Value[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return Array.from(v, (b) => new GoInt('uint8', BigInt(b)));
  return undefined;
}

/** Elements of `v` or the sprig error `<prefix> <kind>` (e.g. "Cannot push on type string"). */
export function listOrThrow(v: Value, prefix: string): Value[] {
  const kind = kindOrPanic(v);
  const items = listItems(v);
  if (!items) throw new Error(`${prefix} ${kind}`);
  return items;
}

/** reflect.DeepEqual on the value model. */
export function deepEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null || b === null) return a === b;
  if (goTypeName(a) !== goTypeName(b)) return false;
  if (typeof a === 'number') return a === b;
  if (typeof a !== 'object') return a === b;
  if (a instanceof GoInt) return a.v === (b as GoInt).v;
  if (a instanceof GoFloat32) return a.v === (b as GoFloat32).v;
  if (a instanceof Uint8Array) {
    const bb = b as Uint8Array;
    return a.length === bb.length && a.every((x, i) => x === bb[i]);
  }
  // DeepEqual tells a nil slice or map from an empty one.
  if (isNilContainer(a) !== isNilContainer(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as Value[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  if (a instanceof Map) {
    const bb = b as Map<string, Value>;
    if (a.size !== bb.size) return false;
    for (const [k, v] of a) if (!bb.has(k) || !deepEqual(v, bb.get(k))) return false;
    return true;
  }
  if (a instanceof GoObject) return a === b || a.goString() === (b as GoObject).goString();
  return false;
}

/** copystructure.Copy: slices and maps are copied deeply, keeping their Go types. */
export function deepCopy(v: Value): Value {
  if (isNilContainer(v)) return v; // a nil map or slice copies as nil
  if (Array.isArray(v)) return typedSlice(v.map(deepCopy), elemType(v));
  if (v instanceof Map) {
    const m = new Map<string, Value>();
    for (const [k, x] of v) m.set(k, deepCopy(x));
    return typedMap(m, elemType(v));
  }
  if (v instanceof Uint8Array) return new Uint8Array(v);
  return v;
}

/** A value's Go type for "interface conversion" panics. */
export function assertMap(v: Value, want = 'map[string]interface {}'): Map<string, Value> {
  if (v instanceof Map && goTypeName(v) === want) return v;
  throw new Error(`interface conversion: interface {} is ${v === null || v === undefined ? 'nil' : goTypeName(v)}, not ${want}`);
}
