// Canonical remote keys (issue 14): a remote key, find path or metadata path that becomes part of a URL
// path must name one place, the place a policy rule matched, and nothing a client or server could
// normalise into another. This module is the bottom layer: the engine calls it (through each provider's
// key rules) before the policy match, and the providers' HTTP layers call it again on the path they are
// about to send. Nothing here knows a provider; every REST provider states its rules with these helpers.

/** A refusal of one sub-field of a reference (`key`, `version`, `path`, `tags.<k>`), with the reason. */
export interface KeyProblem {
  field: string;
  reason: string;
}

/**
 * What a provider refuses in the references an ExternalSecret makes to it. Each method returns nothing
 * for an acceptable reference. Implemented in `src/providers/<name>/key-rules.ts`, without any SDK.
 */
export interface KeyRules {
  /** A `data[].remoteRef` or `dataFrom[].extract` (key, version; property is never part of a URL). */
  ref(ref: { key: string; version?: string }): KeyProblem[];
  /** A `dataFrom[].find`. */
  find(find: { path?: string; tags?: Record<string, string> }): KeyProblem[];
}

export interface SegmentOptions {
  /** One leading `/` is accepted (the backend's client drops it, as Vault's Go client does). */
  leadingSlash?: boolean;
  /** One trailing `/` is accepted. */
  trailingSlash?: boolean;
}

/** C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/** Quotes text for a message, with every control character escaped (no forged log lines). */
export function quote(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const hex4 = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Bytes whose percent-encoded form is refused: they would read as a separator, a dot segment or an escape. */
const ENCODED_REFUSED = new Map<number, string>([
  [0x2e, "'.'"],
  [0x2f, "'/'"],
  [0x5c, "'\\'"],
  [0x3f, "'?'"],
  [0x23, "'#'"],
  [0x25, "'%' (double encoding)"],
]);

/** Why the percent-encoded parts of `value` are refused, if they are. */
function percentProblem(value: string): string | undefined {
  const runs = value.match(/(?:%[0-9a-fA-F]{2})+/g) ?? [];
  for (const run of runs) {
    const bytes = Buffer.from(run.replace(/%/g, ''), 'hex');
    for (const b of bytes) {
      const what = ENCODED_REFUSED.get(b);
      if (what) return `a percent-encoded ${what}`;
      if (b < 0x20 || b === 0x7f) return 'a percent-encoded control character';
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Overlong forms such as %c0%ae are read as '.' by some servers.
      return 'a percent-encoded byte sequence that is not UTF-8';
    }
    if (CONTROL.test(text)) return 'a percent-encoded control character';
    if (nfkcAdds(text, '/\\?#%.')) return 'a percent-encoded character that Unicode normalisation (NFKC) turns into a separator or a dot';
  }
  return undefined;
}

/** Whether NFKC normalisation (which some servers apply) creates one of `chars` that `text` lacked. */
function nfkcAdds(text: string, chars: string): boolean {
  const nf = text.normalize('NFKC');
  if (nf === text) return false;
  const count = (t: string, c: string) => t.split(c).length - 1;
  return [...chars].some((c) => count(nf, c) > count(text, c));
}

/**
 * Why `value`, a `/`-separated path, is not canonical, or undefined when it is: no control character,
 * backslash, `?` or `#`; no percent-encoded `.`, `/`, `\`, `?`, `#`, `%` or control character and no
 * percent-encoding that is not UTF-8; no character that NFKC normalisation turns into one of those; no
 * `.` or `..` segment and no empty segment (with the leading and trailing `/` the options allow).
 */
export function pathProblem(value: string, opts: SegmentOptions = {}): string | undefined {
  const control = CONTROL.exec(value);
  if (control) return `a control character (${hex4(control[0])})`;
  if (value.includes('\\')) return 'a backslash';
  if (value.includes('?')) return "a '?'";
  if (value.includes('#')) return "a '#'";
  const pct = percentProblem(value);
  if (pct) return pct;
  // Fullwidth and compatibility forms (U+FF0E '．', U+FF0F '／', U+2024 '․', …) become '.', '/' under NFKC.
  if (nfkcAdds(value, '/\\?#%')) return "a character that Unicode normalisation (NFKC) turns into '/', '\\', '?', '#' or '%'";
  let body = value;
  if (body.startsWith('/')) {
    if (!opts.leadingSlash) return "a leading '/' (an empty first segment)";
    body = body.slice(1);
  }
  if (body.endsWith('/')) {
    if (!opts.trailingSlash) return "a trailing '/' (an empty last segment)";
    body = body.slice(0, -1);
  }
  const segments = body.split('/');
  for (const s of segments) {
    if (s === '.' || s === '..') return `a '${s}' segment`;
  }
  if (segments.some((s) => s === '')) return "an empty segment ('//')";
  if (segments.some((s) => ['.', '..'].includes(s.normalize('NFKC')))) return 'a segment that Unicode normalisation (NFKC) turns into a dot segment';
  return undefined;
}

/** The message for a refused sub-field: what was refused, then why such keys are refused at all. */
export function keyMessage(what: string, value: string, reason: string, backend: string): string {
  return `${what} ${quote(value)} is not canonical: it has ${reason}; ${backend} keys become URL paths, so eso-render refuses dot segments, encoded separators, backslashes, '?', '#', empty segments and control characters before any request (docs/security.md, "Canonical keys")`;
}

/** A path the HTTP layer refused to send: it would leave the place its key was matched against. */
export class PathEscapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathEscapeError';
  }
}

/** `segments` encoded one by one (encodeURIComponent) and joined with `/`. */
export function encodePath(segments: readonly string[]): string {
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

/**
 * The last check before a request leaves: the client's URL (after its own normalisation, which `url`
 * has been through) must have exactly the path that was built, and that path must lie under `prefix`
 * (an encoded path such as `/v1/secret/data`). Throws PathEscapeError otherwise; never sends.
 */
export function assertPathUnder(url: URL, built: string, prefix: string): void {
  const p = url.pathname;
  if (p !== built) throw new PathEscapeError('the request path changed when the URL was normalised (a dot segment or an encoded separator)');
  // A trailing `/` (a Vault LIST of a folder) is not a segment.
  const decoded = (p.endsWith('/') ? p.slice(0, -1) : p).split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return '\u0000';
    }
  });
  if (decoded.slice(1).some((s) => s === '' || s === '.' || s === '..' || s.includes('/') || s.includes('\\') || CONTROL.test(s))) {
    throw new PathEscapeError('the request path has an empty, dot or encoded-separator segment');
  }
  const base = prefix.replace(/\/+$/, '');
  if (p !== base && !p.startsWith(base + '/')) throw new PathEscapeError(`the request path is not under ${base}`);
}
