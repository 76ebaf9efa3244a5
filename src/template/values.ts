// The Go value model of the template engine: how Go values produced or consumed by text/template,
// sprig and ESO's functions are represented in JavaScript.
//
// | Go type                              | JS representation                                              |
// |--------------------------------------|----------------------------------------------------------------|
// | string                               | JS string of raw bytes, one char per byte 0..255 ("bin")       |
// | int                                  | bigint                                                         |
// | int8..int64, uint..uint64, uintptr   | GoInt { kind, v: bigint }  (uint8 is also `byte`)              |
// | float64                              | number                                                         |
// | float32                              | GoFloat32 { v: number }                                         |
// | bool                                 | boolean                                                        |
// | nil (untyped / nil interface)        | null   (undefined is never a value; treat it as null)          |
// | []interface{}                        | Array                                                          |
// | []T (e.g. []string, []int)           | Array tagged with elem type T:  typedSlice(items, 'string')    |
// | map[string]interface{}               | Map<string, Value>                                             |
// | map[string]T (e.g. map[string]string)| Map tagged with elem type T:     typedMap(map, 'string')       |
// | []byte                               | Uint8Array                                                     |
// | anything else (time.Time, *semver.Version, ...) | a subclass of GoObject                              |
//
// Function table contract (see briefs/template-contract.md): `fn` receives arguments already converted
// to the parameter types of its `sig`:
//   string -> JS bin string; any int kind -> bigint; float64/float32 -> number; bool -> boolean;
//   []interface{} / []T -> Array; map[string]interface{} / map[string]T -> Map; []byte -> Uint8Array;
//   interface{} -> the Value as is (may be a GoInt, a tagged Array, a GoObject, null...).
// `fn` may return plain JS values for typed results: a bigint for any int kind, a plain Array for []T,
// a plain Map for map[string]T; the executor tags them from the result type in `sig`
// (`func(...) int64` makes the bigint a GoInt('int64'), `[]string` tags the Array, and so on).
// For `interface{}` results, return the Value exactly as Go would hold it (use GoInt/typedSlice yourself).
// A Go error is returned by throwing `new Error(msg)`.
//
// fmt.ts (same folder) implements Go's fmt on this model: sprint, sprintln, sprintf, formatFloat.

export type IntKind =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'uintptr';

/** A Go integer of a kind other than `int` (plain `int` is a bare bigint). */
export class GoInt {
  constructor(
    readonly kind: IntKind,
    readonly v: bigint,
  ) {}
}

/** A Go float32 (rare: only where a function's Go result type is float32). */
export class GoFloat32 {
  constructor(readonly v: number) {}
}

/**
 * Base class for Go values that are not basic kinds, slices or maps: time.Time, *semver.Version, ...
 * Subclasses say their Go type name (for %T / typeOf) and reflect kind (for kindOf), and how fmt
 * prints them (Go's String() method if the type has one, else its %v form).
 */
export abstract class GoObject {
  /** Go type as %T prints it, e.g. 'time.Time', '*semver.Version'. */
  abstract goType(): string;
  /** reflect.Kind name, e.g. 'struct', 'ptr'. */
  abstract goKind(): string;
  /** What %v / %s print (String() for Stringers, Error() for errors, else Go's struct form). */
  abstract goString(): string;
  /**
   * Field or method lookup for `.Name` chains in templates. Return undefined when there is none.
   * Methods: return a GoMethod; the executor calls it with the chain's arguments.
   */
  member(_name: string): { field: Value } | GoMethod | undefined {
    return undefined;
  }
  /**
   * The integer of a named integer type (time.Month, time.Weekday, time.Duration): what fmt's integer
   * verbs, text/template's comparisons, encoding/json and cast (resolveAlias) see. Undefined otherwise.
   */
  underlyingInt(): bigint | undefined {
    return undefined;
  }
  /**
   * What %#v prints when it is not goString(): the type's GoString() method, or Go's struct syntax.
   * `depth` > 0 inside a container (Go prints a nested pointer as its address, which we cannot).
   */
  goSyntax(_depth: number): string | undefined {
    return undefined;
  }
  /** Truth in `if`: Go treats structs as true, nil pointers as false. */
  truthy(): boolean {
    return true;
  }
}

/** A method bound to its receiver, as returned by GoObject.member. */
export interface GoMethod {
  sig: string;
  fn: (...args: any[]) => unknown;
}

export type Value =
  | null
  | string
  | bigint
  | number
  | boolean
  | GoInt
  | GoFloat32
  | Uint8Array
  | Value[]
  | Map<string, Value>
  | GoObject;

// ---- typed slices and maps ----------------------------------------------------------------------

/** Element type tag on Arrays / Maps whose Go type is not []interface{} / map[string]interface{}. */
export const ELEM = Symbol('goElemType');

type Tagged = { [ELEM]?: string };

/** Tag `items` as a Go `[]elem` (returns the same array). */
export function typedSlice<T extends Value>(items: T[], elem: string): T[] {
  if (elem !== 'interface {}') (items as Tagged)[ELEM] = elem;
  return items;
}

/** Tag `m` as a Go `map[string]elem` (returns the same map). */
export function typedMap<T extends Value>(m: Map<string, T>, elem: string): Map<string, T> {
  if (elem !== 'interface {}') (m as Tagged)[ELEM] = elem;
  return m;
}

/** Marks an empty Array or Map that is Go's nil slice / nil map. */
const NIL = Symbol('goNil');

type NilTagged = { [NIL]?: true };

/**
 * Go's nil `map[string]elem`: reads see an empty map, JSON writes `null`, %#v prints `T(nil)`, `eq`
 * finds it equal to nil, and a write panics as Go's does (sprig's `set` then fails the template).
 */
export function nilMap<T extends Value>(elem: string): Map<string, T> {
  const m = typedMap(new Map<string, T>(), elem);
  (m as NilTagged)[NIL] = true;
  m.set = () => {
    throw new Error('assignment to entry in nil map');
  };
  return m;
}

/** Go's nil `[]elem` (e.g. sprig's rest of an empty list, regexFindAll without a match). */
export function nilSlice<T extends Value>(elem: string): T[] {
  const a = typedSlice<T>([], elem);
  (a as NilTagged)[NIL] = true;
  return a;
}

/** True for a nil slice or nil map (an empty one that has never been made). */
export function isNilContainer(v: Value | undefined): boolean {
  if (Array.isArray(v)) return v.length === 0 && (v as NilTagged)[NIL] === true;
  if (v instanceof Map) return (v as NilTagged)[NIL] === true;
  return false;
}

/** Element type of an Array or Map: 'interface {}' unless tagged. */
export function elemType(v: readonly Value[] | ReadonlyMap<string, Value>): string {
  return (v as Tagged)[ELEM] ?? 'interface {}';
}

// ---- bytes and strings --------------------------------------------------------------------------

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** A JS (UTF-16) string, e.g. template text from YAML, as a Go string of its UTF-8 bytes. */
export function utf8ToBin(s: string): string {
  if (ASCII_ONLY.test(s)) return s;
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** Bytes as a Go string. */
export function bytesToBin(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

/** A Go string as bytes (a fresh Buffer). */
export function binToBytes(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

/** The replacement rune Go substitutes for each invalid UTF-8 byte. */
export const RUNE_ERROR = 0xfffd;

/**
 * Decode a Go string's bytes as UTF-8 into code points exactly as Go's `for range` / utf8.DecodeRune
 * does: every byte that does not start a valid, minimal, non-surrogate sequence becomes one U+FFFD.
 */
export function binToRunes(s: string): number[] {
  const out: number[] = [];
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c0 = s.charCodeAt(i);
    if (c0 < 0x80) {
      out.push(c0);
      i++;
      continue;
    }
    const [r, w] = decodeRuneAt(s, i);
    out.push(r);
    i += w;
  }
  return out;
}

/** utf8.DecodeRuneInString(s[i:]): the rune and its width (RUNE_ERROR, 1 for invalid bytes). */
export function decodeRuneAt(s: string, i: number): [number, number] {
  const n = s.length;
  const c0 = s.charCodeAt(i);
  if (c0 < 0x80) return [c0, 1];
  const b = (k: number): number => (i + k < n ? s.charCodeAt(i + k) : -1);
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    const c1 = b(1);
    if (c1 >= 0x80 && c1 <= 0xbf) return [((c0 & 0x1f) << 6) | (c1 & 0x3f), 2];
    return [RUNE_ERROR, 1];
  }
  if (c0 >= 0xe0 && c0 <= 0xef) {
    const c1 = b(1);
    const lo = c0 === 0xe0 ? 0xa0 : 0x80;
    const hi = c0 === 0xed ? 0x9f : 0xbf;
    if (c1 < lo || c1 > hi) return [RUNE_ERROR, 1];
    const c2 = b(2);
    if (c2 < 0x80 || c2 > 0xbf) return [RUNE_ERROR, 1];
    return [((c0 & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f), 3];
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    const c1 = b(1);
    const lo = c0 === 0xf0 ? 0x90 : 0x80;
    const hi = c0 === 0xf4 ? 0x8f : 0xbf;
    if (c1 < lo || c1 > hi) return [RUNE_ERROR, 1];
    const c2 = b(2);
    if (c2 < 0x80 || c2 > 0xbf) return [RUNE_ERROR, 1];
    const c3 = b(3);
    if (c3 < 0x80 || c3 > 0xbf) return [RUNE_ERROR, 1];
    return [((c0 & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f), 4];
  }
  return [RUNE_ERROR, 1];
}

/** Encode one rune as a Go string (invalid runes and surrogates encode as U+FFFD, as Go does). */
export function runeToBin(r: number): string {
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = RUNE_ERROR;
  if (r < 0x80) return String.fromCharCode(r);
  if (r < 0x800) return String.fromCharCode(0xc0 | (r >> 6), 0x80 | (r & 0x3f));
  if (r < 0x10000)
    return String.fromCharCode(0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
  return String.fromCharCode(
    0xf0 | (r >> 18),
    0x80 | ((r >> 12) & 0x3f),
    0x80 | ((r >> 6) & 0x3f),
    0x80 | (r & 0x3f),
  );
}

/** Encode runes as a Go string. */
export function runesToBin(runes: readonly number[]): string {
  let out = '';
  for (const r of runes) out += runeToBin(r);
  return out;
}

/** A Go string as a JS string (invalid bytes become U+FFFD per byte, as Go's decoding does). */
export function binToUtf8(s: string): string {
  if (ASCII_ONLY.test(s)) return s;
  let out = '';
  for (const r of binToRunes(s)) out += String.fromCodePoint(r);
  return out;
}

// ---- reflection ---------------------------------------------------------------------------------

/** Go's %T / reflect.Type.String() for a value; nil gives '<nil>'. */
export function goTypeName(v: Value | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
  }
  if (v instanceof GoInt) return v.kind;
  if (v instanceof GoFloat32) return 'float32';
  if (v instanceof Uint8Array) return '[]uint8';
  if (Array.isArray(v)) return '[]' + elemType(v);
  if (v instanceof Map) return 'map[string]' + elemType(v);
  if (v instanceof GoObject) return v.goType();
  return '<unknown>';
}

/** reflect.Kind.String() for a value; nil gives 'invalid'. */
export function goKindName(v: Value | undefined): string {
  if (v === null || v === undefined) return 'invalid';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
  }
  if (v instanceof GoInt) return v.kind;
  if (v instanceof GoFloat32) return 'float32';
  if (v instanceof Uint8Array || Array.isArray(v)) return 'slice';
  if (v instanceof Map) return 'map';
  if (v instanceof GoObject) return v.goKind();
  return 'invalid';
}

/** The integer value of any Go int kind, or undefined for non-integers. */
export function intValue(v: Value | undefined): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (v instanceof GoInt) return v.v;
  return undefined;
}

/** True for every Go integer kind (int, int64, uint8, ...). */
export function isInt(v: Value | undefined): v is bigint | GoInt {
  return typeof v === 'bigint' || v instanceof GoInt;
}

/** Go's zero value for a type name as used in sigs and tags ('' for string, null for interfaces...). */
export function zeroValue(type: string): Value {
  switch (type) {
    case 'string':
      return '';
    case 'int':
      return 0n;
    case 'bool':
      return false;
    case 'float64':
      return 0;
    case 'float32':
      return new GoFloat32(0);
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'uint':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'uint64':
    case 'uintptr':
      return new GoInt(type, 0n);
    default:
      return null; // interfaces, pointers, slices, maps: nil
  }
}

/** text/template's truth: false, 0, nil, and empty strings, slices and maps are false. */
export function isTrue(v: Value | undefined): boolean {
  if (v === null || v === undefined) return false;
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'bigint':
      return v !== 0n;
    case 'number':
      return v !== 0;
    case 'boolean':
      return v;
  }
  if (v instanceof GoInt) return v.v !== 0n;
  if (v instanceof GoFloat32) return v.v !== 0;
  if (v instanceof Uint8Array || Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (v instanceof GoObject) return v.truthy();
  return true;
}

/** Normalise JS `undefined` (never a Go value) to nil. */
export function nil(v: Value | undefined): Value {
  return v === undefined ? null : v;
}
