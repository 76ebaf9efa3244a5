// Writing new values so that every Kubernetes reader reads them back as we meant.
//
// The `yaml` package quotes a string only when a YAML 1.2 reader would misread it. kubectl, Argo CD and
// the API machinery read YAML 1.1 (go-yaml v2 through sigs.k8s.io/yaml), where `on`, `yes`, `0755`, `1_000`,
// `2024-01-01`, `1:20` and `<<` are not strings. A string whose plain spelling any of those readers would
// resolve to something else is therefore written double-quoted (kubectl and kustomize quote the same way).
// The test is deliberately generous: quoting a string that did not need it changes nothing for any reader.
import { Document, isScalar, parse, Scalar, visit } from 'yaml';
import type { Node, ToStringOptions } from 'yaml';
import { byteOrder } from '../common/records.js';

const yaml11Words = new Set([
  // booleans
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF',
  // null
  '', '~', 'null', 'Null', 'NULL',
  // merge and value keys
  '<<', '=',
]);

// Numbers in every YAML 1.1 / Go spelling, after `_` separators are removed (YAML 1.1 and Go allow them):
// binary, octal (0755 and 0o755), hexadecimal, decimal, floats with an optional exponent (YAML 1.1's float
// regexp even allows several dots), sexagesimal (`1:20`, `-1:20:30.5`), and the special floats.
const numberPatterns: RegExp[] = [
  /^[-+]?0b[01]*$/i,
  /^[-+]?0o?[0-7]*$/i,
  /^[-+]?0x[0-9a-f]*$/i,
  /^[-+]?[0-9]+$/,
  /^[-+]?([0-9]+)?\.[0-9.]*([eE][-+]?[0-9]+)?$/,
  // The `yaml` package's 1.1 reader even takes `e7` for a float.
  /^[-+]?[0-9]*(\.[0-9]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?[0-9]+(:[0-5]?[0-9])+(\.[0-9]*)?$/,
  /^[-+]?\.(inf|Inf|INF)$/,
  /^\.(nan|NaN|NAN)$/,
  // Go's strconv accepts hexadecimal floats (0x1p-2) when it parses a number.
  /^[-+]?0x[0-9a-f]*(\.[0-9a-f]*)?p[-+]?[0-9]+$/i,
];

// YAML 1.1 timestamps, and go-yaml's looser forms (one-digit month and day).
const timestamp =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:?[0-9]{2})?))?)?$/;

/** Whether a YAML 1.1 (or 1.2, or go-yaml) reader would read this string, written plain, as something else. */
export function isAmbiguousPlain(s: string): boolean {
  if (yaml11Words.has(s)) return true;
  if (timestamp.test(s)) return true;
  if (/^[-+.0-9eE]/.test(s)) {
    const bare = s.replace(/_/g, '');
    if (bare !== '' && numberPatterns.some((re) => re.test(bare))) return true;
  }
  return false;
}

/** Output style for new YAML: what kubectl and kustomize print (block style, `- ` at the parent's indent). */
export const writeOptions: ToStringOptions = {
  indent: 2,
  indentSeq: false,
  lineWidth: 0,
  minContentWidth: 0,
  flowCollectionPadding: false,
  // Multi-line strings as literal blocks (`|`), never folded (`>`), so line breaks are plain to see.
  blockQuote: 'literal',
};

/**
 * A multi-line string with a whitespace-only line cannot be a literal block safely: the `yaml` package
 * writes ` \n` as a `|+` block that reads back as `\n`. Such strings are double-quoted instead.
 */
function blockUnsafe(s: string): boolean {
  return s.includes('\n') && /(?:^|\n)[ \t]+(?:\n|$)/.test(s);
}

function styleNewString(n: Scalar): void {
  if (typeof n.value !== 'string' || (n.type !== undefined && n.type !== Scalar.PLAIN)) return;
  if (isAmbiguousPlain(n.value) || blockUnsafe(n.value)) n.type = Scalar.QUOTE_DOUBLE;
}

/** Quote, in place, every plain-able string scalar (keys included) that a YAML 1.1 reader would misread. */
export function quoteAmbiguous(node: Node | Document): void {
  visit(node, {
    Scalar(_key, n) {
      styleNewString(n);
    },
  });
}

/** A new document node for `value`, with 1.1-safe quoting, to put into an existing document. */
export function createSafeNode(doc: Document, value: unknown): Node {
  const node = doc.createNode(value, { keepUndefined: false }) as Node;
  if (isScalar(node)) {
    styleNewString(node);
  } else {
    quoteAmbiguous(node);
  }
  return node;
}

/**
 * Serialise a new object as one block-style YAML document (no `---`), keys in the object's order,
 * 2-space indent, sequences at the parent's indent, long strings never folded, and YAML 1.1-safe quoting.
 */
export function stringifyObject(obj: unknown): string {
  // Objects of simple strings (every generated Secret) are printed directly: the same text as below,
  // without building a Document per object (the costliest step of writing 10,000 Secrets).
  if (isPlainRecord(obj) && onlySimpleValues(obj, 0)) return printSimple(obj);
  const doc = new Document(withOrderedMaps(obj), { version: '1.2', schema: 'core', keepUndefined: false });
  quoteAmbiguous(doc);
  const text = doc.toString(writeOptions);
  // Safety net for emitter corner cases not covered above: if the text does not read back as the
  // object, print every string double-quoted (always exact, just less pretty). Objects made only of
  // simple strings (below) have no such corner case, and reading every generated Secret back cost more
  // than printing it, so they skip the check.
  if (onlySimpleValues(obj, 0) || readsBackAs(text, obj)) return text;
  visit(doc, {
    Scalar(_key, n) {
      if (typeof n.value === 'string') n.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString(writeOptions);
}

// A JavaScript object lists integer-like keys ("9", "10") first, in numeric order, whatever order they
// were set in. A map holding one is therefore printed with its keys in byte order, the order Go (and so
// ESO and kubectl) sorts map keys in; maps without such keys print in their own order.
const INDEX_KEY = /^(?:0|[1-9][0-9]{0,9})$/;
const isIndexKey = (k: string) => INDEX_KEY.test(k) && Number(k) < 2 ** 32 - 1;

function entriesInOrder(m: object): [string, unknown][] {
  const entries = Object.entries(m);
  return entries.some(([k]) => isIndexKey(k)) ? entries.sort(([a], [b]) => byteOrder(a, b)) : entries;
}

/** `v` with every map that holds an integer-like key turned into a Map in byte order (see above). */
export function withOrderedMaps(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withOrderedMaps);
  if (typeof v !== 'object' || v === null || v instanceof Map || ArrayBuffer.isView(v)) return v;
  const entries = Object.entries(v);
  if (entries.some(([k]) => isIndexKey(k))) return new Map(entriesInOrder(v).map(([k, x]) => [k, withOrderedMaps(x)]));
  const out: Record<string, unknown> = {};
  for (const [k, x] of entries) Object.defineProperty(out, k, { value: withOrderedMaps(x), writable: true, enumerable: true, configurable: true });
  return out;
}

function sortKeys(_k: string, v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  return Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => byteOrder(a, b));
}

function readsBackAs(text: string, obj: unknown): boolean {
  try {
    // Key order aside (withOrderedMaps may reorder a map): the same keys and values.
    return JSON.stringify(parse(text, { version: '1.2', schema: 'core' }), sortKeys) === JSON.stringify(obj, sortKeys);
  } catch {
    return false;
  }
}

// One-line strings of letters, digits and `_ . / = + -`, not starting with a punctuation mark: either
// plain, or double-quoted without escapes when a reader would take them for a number, boolean or null
// (isAmbiguousPlain above and the package's own check). Either way they read back as themselves.
const SIMPLE_STRING = /^[A-Za-z0-9_][A-Za-z0-9_./=+-]*$/;

/** Whether `v` holds nothing but simple strings (keys included), booleans, safe integers and nesting. */
function onlySimpleValues(v: unknown, depth: number): boolean {
  if (depth > 32) return false;
  if (typeof v === 'string') return SIMPLE_STRING.test(v);
  if (typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!(i in v) || !onlySimpleValues(v[i], depth + 1)) return false;
    return true;
  }
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const [k, x] of Object.entries(v)) {
    if (k === '__proto__' || !SIMPLE_STRING.test(k) || !onlySimpleValues(x, depth + 1)) return false;
  }
  return true;
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

// Plain spellings the `yaml` package's core schema reads as something other than a string (its tags'
// own tests); it double-quotes those, as it does everything isAmbiguousPlain names.
const coreNonString = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

function simpleScalar(v: unknown): string {
  if (typeof v !== 'string') return String(v);
  // A simple string needs no escape, so its double-quoted form is the string in quotes.
  return isAmbiguousPlain(v) || coreNonString.some((re) => re.test(v)) ? `"${v}"` : v;
}

/** What the package prints for a value after `key:` or `- `: inline for scalars and empty collections. */
function inline(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
  if (typeof v === 'object' && v !== null) return Object.keys(v).length === 0 ? '{}' : undefined;
  return simpleScalar(v);
}

/**
 * Block YAML for an object that onlySimpleValues accepts, laid out as `doc.toString(writeOptions)` lays
 * it out: two-space indent, sequences at their key's indent, a map inside a sequence item starting on the
 * `- ` line. yaml-quote.simple.test.ts compares the two on random objects.
 */
function printSimple(obj: Record<string, unknown>): string {
  const out: string[] = [];
  const map = (m: Record<string, unknown>, indent: string, first: string) => {
    let lead = first;
    for (const [k, v] of entriesInOrder(m)) {
      const key = simpleScalar(k);
      const one = inline(v);
      if (one !== undefined) out.push(`${lead}${key}: ${one}\n`);
      else if (Array.isArray(v)) {
        out.push(`${lead}${key}:\n`);
        seq(v, indent);
      } else {
        out.push(`${lead}${key}:\n`);
        map(v as Record<string, unknown>, `${indent}  `, `${indent}  `);
      }
      lead = indent;
    }
  };
  const seq = (s: unknown[], indent: string) => {
    for (const v of s) {
      const one = inline(v);
      if (one !== undefined) out.push(`${indent}- ${one}\n`);
      else if (Array.isArray(v)) {
        // `- - a`: the inner sequence starts on the dash line.
        const inner: string[] = [];
        const saved = out.length;
        seq(v, `${indent}  `);
        inner.push(...out.splice(saved));
        inner[0] = `${indent}- ${inner[0]!.slice(indent.length + 2)}`;
        out.push(...inner);
      } else map(v as Record<string, unknown>, `${indent}  `, `${indent}- `);
    }
  };
  if (Object.keys(obj).length === 0) return '{}\n';
  map(obj, '', '');
  return out.join('');
}
