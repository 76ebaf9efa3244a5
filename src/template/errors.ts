// What a template error may say (issue 14, "nothing value-derived in what is shown"). A template's
// arguments and everything computed from them are data, and a function's own error text often quotes
// them (Go's `%q` of an input, a URL's port, a parse remainder). So a failing function is reported by a
// KIND from the fixed vocabulary below, never by its message: the message is only *read* here, to pick
// one of these fixed strings, and is then dropped.

/** The kinds of failure a template error may name. Nothing else is ever printed for a function. */
export const FAILURE_KINDS = [
  'wrong type of argument',
  'wrong number of arguments',
  'nil value',
  'index out of range',
  'division by zero',
  'invalid argument',
  'invalid number',
  'invalid base64',
  'invalid base32',
  'invalid hex',
  'invalid JSON',
  'invalid YAML',
  'nesting too deep',
  'too many aliases',
  'invalid URL',
  'invalid regular expression',
  'invalid version',
  'invalid version constraint',
  'invalid date or duration',
  'invalid certificate',
  'invalid PEM',
  'invalid key',
  'invalid PKCS#12',
  'decryption failed',
  'encoding failed',
  'function failed',
] as const;

export type FailureKind = (typeof FAILURE_KINDS)[number];

/** A function failure whose kind is known where it is thrown (guards, limits). */
export class FuncFailure extends Error {
  constructor(readonly kind: FailureKind) {
    super(kind);
    this.name = 'FuncFailure';
  }
}

// Read in order; the first match decides. Patterns match the Go (and JS) error texts the functions throw.
const PATTERNS: ReadonlyArray<readonly [RegExp, FailureKind]> = [
  [/divide by zero|division by (0|zero)/i, 'division by zero'],
  [/index out of range|slice bounds out of range|slice index|too many slice indexes|3-index slice|out of bounds/i, 'index out of range'],
  [/wrong number of args|needs at least|arguments? (required|expected)/i, 'wrong number of arguments'],
  [/base64/i, 'invalid base64'],
  [/base32/i, 'invalid base32'],
  [/encoding\/hex|hex string/i, 'invalid hex'],
  [/pkcs12|pkcs#12|PBMAC1|UCS-2/i, 'invalid PKCS#12'],
  [/decrypt|crypto\/cipher|not full blocks|block size/i, 'decryption failed'],
  [/private key|public key|key type|key hint|PKCS#8|PKCS#1|jwk|curve|unmarshal JSON into key|crypto\.Signer/i, 'invalid key'],
  [/x509|certificate|asn1|chain/i, 'invalid certificate'],
  [/PEM|pem/, 'invalid PEM'],
  [/^yaml:|YAML/, 'invalid YAML'],
  [/json|JSON|invalid character/, 'invalid JSON'],
  [/regexp|regular expression/i, 'invalid regular expression'],
  [/constraint/i, 'invalid version constraint'],
  [/semantic version|version segment|prerelease|metadata string/i, 'invalid version'],
  [/net\/url|URL|url|missing protocol scheme|invalid port|host name|in host|userinfo|first path segment/, 'invalid URL'],
  [/^time:|parsing time|duration|month|day|hour|zone|date/i, 'invalid date or duration'],
  [/strconv|Decimal|invalid syntax|value out of range|overflows/i, 'invalid number'],
  [/nil pointer|untyped nil|call of nil|is nil|nil map|zero Value|with nil|of nil/i, 'nil value'],
  [/type|kind|not a string|must be of|should be|non-comparable|incompatible|comparison|non-function|cannot (index|concat|push|find)|can't (index|slice)/i, 'wrong type of argument'],
  [/negative|invalid argument|makeslice|Repeat count|Intn/i, 'invalid argument'],
];

/** Functions whose every failure is of one kind, whatever the message says. */
const BY_FUNCTION: ReadonlyMap<string, FailureKind> = new Map(Object.entries({
  semver: 'invalid version',
  urlParse: 'invalid URL',
  urlJoin: 'invalid URL',
  fromYaml: 'invalid YAML',
  mustFromJson: 'invalid JSON',
  b64dec: 'invalid base64',
  b32dec: 'invalid base32',
  hexdec: 'invalid hex',
} satisfies Record<string, FailureKind>));

/** The kind of a function's failure. The error's text is read, never kept. */
export function classifyFailure(fn: string, e: unknown): FailureKind {
  if (e instanceof FuncFailure) return e.kind;
  const msg = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  const matched = PATTERNS.find(([re]) => re.test(msg))?.[1];
  // A function with one kind of input failure keeps its argument-shape failures apart.
  const shape = matched === 'wrong type of argument' || matched === 'wrong number of arguments' || matched === 'nil value';
  // A Map, not an object: `toString` or `constructor` must not find Object.prototype's.
  return (shape ? matched : BY_FUNCTION.get(fn)) ?? matched ?? 'function failed';
}
