// A cheap, line-based look at a YAML stream (issue 19): where each document starts and ends and its
// top-level `apiVersion` and `kind`, without the `yaml` package (this module must not import it: the
// pass-through of a stream with no ESO resource loads nothing else).
//
// The scan is conservative: it accepts only streams it can read with certainty, and gives up (returns
// undefined, so the caller parses the whole stream) on anything else: a BOM, CR characters, directives,
// `---`/`...` lines with anything after the marker, a document whose root is not a block mapping, a
// top-level line that is not a plain `key:` entry, a quoted or flow value at the top level that does not
// close on its own line (it could hide lines that look like keys), a duplicated, quoted, tagged, anchored
// or aliased `apiVersion`/`kind`, a value YAML would not read as a string, or a document without either.
// Lines that start with a space, and `- ` lines under a key with no value on its line (kubectl writes
// sequences at their key's indent), belong to a top-level entry's value and are not looked at.
//
// The documents and segments it reports are the ones the parser would find (stream.ts; the equivalence
// is checked by stream-lazy.test.ts over the round-trip corpus).

export interface ScannedDocument {
  /** Offset of the document: its `---` line, or its first content line when it has no marker. */
  readonly start: number;
  /** Offset where the next segment starts (after this document, and after its `...` line if any). */
  readonly end: number;
  readonly marker: boolean;
  /** Ends with a `...` line. */
  readonly closed: boolean;
  /** Undefined for an empty (or comment-only) document. */
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
}

const KEY_LINE = /^[A-Za-z0-9_][A-Za-z0-9_.\/-]*:(?: |$)/;
const SIMPLE = /^[A-Za-z][A-Za-z0-9._\/-]*$/;
const NOT_A_STRING = /^(?:y|n|yes|no|on|off|true|false|null)$/i;

/** The value of `apiVersion: v1` / `kind: "Secret"` when it is a plain string the parser reads the same way. */
function simpleValue(rest: string): string | undefined {
  let v = rest.replace(/[ \t]+#.*$/, '').trim();
  if (v.length >= 2 && ((v[0] === '"' && v.endsWith('"')) || (v[0] === "'" && v.endsWith("'")))) {
    v = v.slice(1, -1);
    return SIMPLE.test(v) ? v : undefined;
  }
  return SIMPLE.test(v) && !NOT_A_STRING.test(v) ? v : undefined;
}

/** A top-level value that might continue on later lines in a way the scan cannot follow. */
function opensMultiLine(rest: string): boolean {
  const v = rest.replace(/[ \t]+#[^"'\]}]*$/, '').trim();
  const c = v[0];
  if (c === '"') return !/^"[^"\\]*"$/.test(v);
  if (c === "'") return !/^'(?:[^']|'')*'$/.test(v);
  if (c === '[' || c === '{') return v !== '[]' && v !== '{}';
  // Anchors, aliases and tags on a top-level value are left to the parser.
  return c === '&' || c === '*' || c === '!';
}

/**
 * Documents of `text`, or undefined when the scan cannot decide (the caller then parses everything).
 * Past `maxDocuments` documents it stops and returns undefined too (the input limit; the whole-stream
 * reader refuses such a stream before parsing it). It counts documents as the parser does, empty ones
 * included (stream-lazy.test.ts).
 */
export function scanStream(text: string, maxDocuments = Infinity): ScannedDocument[] | undefined {
  if (text.charCodeAt(0) === 0xfeff || text.includes('\r')) return undefined;
  const docs: ScannedDocument[] = [];
  // The document being read.
  let cur: { start: number; marker: boolean; apiVersion?: string; kind?: string; content: boolean } | undefined;
  // The last top-level key had no value on its line: `- ` lines at column 0 may follow (kubectl's layout).
  let openKey = false;
  // One string per distinct apiVersion and kind (a lazy item keeps both for as long as it lives).
  const values = new Map<string, string>();
  const finish = (end: number, closed: boolean): boolean => {
    openKey = false;
    if (!cur) return true;
    if (cur.content && (cur.apiVersion === undefined || cur.kind === undefined)) return false;
    docs.push({ start: cur.start, end, marker: cur.marker, closed, apiVersion: cur.apiVersion, kind: cur.kind });
    cur = undefined;
    return docs.length <= maxDocuments;
  };
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const next = nl + 1;
    // Most lines are a document's nested content, blank or comments: passed over without a string of
    // their own (the branch below treats them the same way).
    const c0 = text.charCodeAt(pos);
    if (nl === pos || c0 === 0x23 || (c0 === 0x20 && cur?.content)) {
      pos = next;
      continue;
    }
    const line = text.slice(pos, nl);
    const c = line[0];
    if (line === '' || c === ' ' || c === '#') {
      // Blank, comment or nested content (content only after a top-level key has opened the document).
      if (c === ' ' && line.trim() !== '' && !line.trimStart().startsWith('#') && !cur?.content) return undefined;
    } else if (openKey && (line === '-' || line.startsWith('- '))) {
      // An item of the sequence under the last top-level key; its content is that key's value.
    } else if (line === '---') {
      if (!finish(pos, false)) return undefined;
      cur = { start: pos, marker: true, content: false };
    } else if (line === '...') {
      // A `...` that ends no document is one more (empty) document to the parser: left to it.
      if (!cur || !finish(Math.min(next, text.length), true)) return undefined;
    } else if (line.startsWith('---') || line.startsWith('...') || c === '%' || c === '\t') {
      return undefined;
    } else if (KEY_LINE.test(line)) {
      cur ??= { start: pos, marker: false, content: false };
      cur.content = true;
      const colon = line.indexOf(':');
      const key = line.slice(0, colon);
      const rest = line.slice(colon + 1);
      openKey = /^[ \t]*(?:#.*)?$/.test(rest);
      if (key === 'apiVersion' || key === 'kind') {
        if (cur[key] !== undefined) return undefined;
        const v = simpleValue(rest);
        if (v === undefined) return undefined;
        cur[key] = values.get(v) ?? (values.set(v, v), v);
      } else if (opensMultiLine(rest)) {
        return undefined;
      }
    } else {
      return undefined;
    }
    pos = next;
  }
  // The stream's last document (a document ends at the next marker or `...`).
  if (!finish(text.length, false)) return undefined;
  return docs;
}

/** True for the apiVersion of a resource the engine acts on (external-secrets.io and its generators). */
export function isEsoApiVersion(apiVersion: string | undefined): boolean {
  return apiVersion !== undefined && /^(?:generators\.)?external-secrets\.io\//.test(apiVersion);
}

/** Bytes that name the ESO API groups: a stream without them holds no resource the engine renders. */
export function mentionsEso(text: string): boolean {
  return text.includes('external-secrets.io');
}
