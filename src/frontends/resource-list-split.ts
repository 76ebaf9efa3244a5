// A line split of a KRM ResourceList in kpt's and kustomize's layout (issue 19), without the `yaml`
// package: the envelope (every line but the items') and each entry of `items:` as the stand-alone text
// that resource-list.ts's `itemTexts` cuts from the parsed document (same dedent, trailing empty lines
// kept). resource-list.ts then parses the small envelope and reads the items through the lazy stream
// reader, so an item the engine never reads is never parsed.
//
// Like stream-scan.ts, the split is conservative: it accepts only the layout it can read with certainty
// and gives up (returns undefined, so the whole document is parsed as before) on anything else: a BOM,
// CR characters, a tab in a line's indentation, an anchor anywhere (an alias in one item may refer to an
// anchor in another), a `---`/`...`/`%` line, a top-level line other than `apiVersion:`, `kind:`,
// `items:`, `functionConfig:` or `results:` (each once; `items:` with no value or `[]`), a top-level line
// before the first key that is not blank or a comment, entries not at column 0 or 2 (`- ` then content
// two columns in), lines in the sequence indented between the dash and the content, comment or blank
// lines between `items:` and the first entry, comment lines left of the content column after the last
// entry, flow entries (`- {...}`) followed by blank or comment lines or carrying a `#`, and an item
// with a line at its content column that starts with `---`, `...` or `%`.
// What is left of a flow entry or an entry's value is checked by the readers that parse them.

export interface SplitItem {
  /** The item as a stand-alone document. */
  readonly text: string;
  /** 1-based line of the stdin text (CRLF already normalised) where the item's first line is. */
  readonly line: number;
}

export interface SplitResourceList {
  /** The text without the items' lines (`items:` itself stays, with no value). */
  readonly envelope: string;
  readonly items: readonly SplitItem[];
}

const TOP_KEY = /^(apiVersion|kind|items|functionConfig|results):(?: |$)/;
// An anchor at the start of a node: line start, after an indicator or a tag. Over-matching only costs
// the whole-document reader.
const ANCHOR = /(?:^|[:,[{?-])[ \t]*&[^\s,[\]{}]|!\S*[ \t]+&/m;

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isBlank = (line: string): boolean => line.trim() === '';
const isComment = (line: string): boolean => line.trimStart().startsWith('#');

/** Same dedent as resource-list.ts's `itemTexts`: the first line after the dash, the rest up to `contentCol`. */
function standAlone(raw: string, contentCol: number): string {
  const lines = raw.split('\n');
  const first = lines.shift()!.trimStart();
  const strip = new RegExp(`^ {0,${contentCol}}`);
  const rest = lines.map((l) => l.replace(strip, ''));
  const doc = [...(first === '' ? [] : [first]), ...rest].join('\n');
  return doc.endsWith('\n') ? doc : `${doc}\n`;
}

/** The split, or undefined when the text is not in the layout the split reads with certainty. */
export function splitResourceList(src: string): SplitResourceList | undefined {
  if (src.charCodeAt(0) === 0xfeff || src.includes('\r') || /^ *\t/m.test(src) || ANCHOR.test(src)) return undefined;
  const lines = src.split('\n');
  // Offsets of each line's start.
  const starts: number[] = new Array(lines.length);
  for (let i = 0, off = 0; i < lines.length; i++) {
    starts[i] = off;
    off += lines[i]!.length + 1;
  }
  const offsetOf = (i: number): number => (i < lines.length ? starts[i]! : src.length);
  const seen = new Set<string>();
  let region: [number, number] | undefined;
  const items: SplitItem[] = [];
  let anyKey = false;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line === '' || line[0] === '#' || line[0] === ' ' || line === '-' || line.startsWith('- ')) {
      // Blank, comment, or the value of the last top-level key (the envelope's parse judges it);
      // content before any key is not the layout.
      if (!anyKey && !isBlank(line) && !isComment(line)) return undefined;
      i++;
      continue;
    }
    const m = TOP_KEY.exec(line);
    if (!m) return undefined;
    const key = m[1]!;
    if (seen.has(key)) return undefined;
    seen.add(key);
    anyKey = true;
    if (key !== 'items') {
      i++;
      continue;
    }
    const rest = line.slice('items:'.length);
    if (rest === ' []') {
      i++;
      continue;
    }
    if (rest !== '') return undefined;
    const cut = splitItems(lines, i + 1);
    if (!cut) return undefined;
    if (cut.items.length > 0) {
      region = [offsetOf(i + 1), offsetOf(cut.end)];
      for (const it of cut.items) {
        const text = standAlone(src.slice(starts[it.from]! + it.dash + 1, offsetOf(it.to)), it.dash + 2);
        // A line the dedent brings to column 0 as a document marker or directive would make the item
        // a stream of its own (the whole document does not read it so).
        if (/^(?:---|\.\.\.|%)/m.test(text)) return undefined;
        items.push({ text, line: it.from + 1 });
      }
    }
    i = cut.end;
  }
  if (!seen.has('kind')) return undefined;
  const envelope = region ? src.slice(0, region[0]) + src.slice(region[1]) : src;
  return { envelope, items };
}

/**
 * The entries of the block sequence whose lines start at `from`: each entry's first and end line
 * (exclusive) and its dash column, and the line where the sequence ends. Undefined where unsure.
 */
function splitItems(
  lines: readonly string[],
  from: number,
): { items: { from: number; to: number; dash: number }[]; end: number } | undefined {
  const first = lines[from];
  const dashAt = (l: string | undefined): number => (l === undefined ? -1 : /^( {0,2})-(?: |$)/.exec(l)?.[1]!.length ?? -1);
  const dash = dashAt(first);
  if (dash < 0) {
    // No entry right below `items:`: a null value (the envelope's parse says), unless something else follows.
    return first === undefined || TOP_KEY.test(first) || (first === '' && from === lines.length - 1) ? { items: [], end: from } : undefined;
  }
  if (dash === 1) return undefined;
  const content = dash + 2;
  const items: { from: number; to: number; dash: number }[] = [];
  let i = from;
  while (i < lines.length && dashAt(lines[i]) === dash && indentOf(lines[i]!) === dash) {
    const start = i;
    const after = lines[i]!.slice(dash + 1);
    // `- ` then content exactly two columns in (or a comment, then content on the next line at that column).
    if (!after.startsWith(' ') || after.startsWith('  ')) return undefined;
    const c = after[1]!;
    let flow = false;
    if (c === '#') {
      const next = lines[i + 1];
      if (next === undefined || indentOf(next) !== content || isBlank(next) || isComment(next)) return undefined;
    } else if (c === '{' || c === '[') {
      flow = true;
      if (lines[i]!.includes('#')) return undefined;
    } else if (!/[A-Za-z0-9_]/.test(c)) {
      // Quoted or complex keys, tags, aliases, nested sequences, block scalars: left to the parser.
      return undefined;
    }
    i++;
    // Blank and comment lines after an entry's last content line go with it or with the next entry,
    // by rules of the parser's that the split does not repeat: unsure. Between content lines they are
    // the entry's.
    let trailing = false;
    for (; i < lines.length; i++) {
      const l = lines[i]!;
      if (dashAt(l) === dash && indentOf(l) === dash) break;
      // The empty string after the text's final newline is no line.
      if (i === lines.length - 1 && l === '') continue;
      if (isBlank(l) || isComment(l)) {
        if (flow) return undefined;
        trailing = true;
        continue;
      }
      const ind = indentOf(l);
      if (ind >= content) {
        if (flow && l.includes('#')) return undefined;
        trailing = false;
        continue;
      }
      if (ind === 0) break;
      return undefined;
    }
    if (trailing) return undefined;
    items.push({ from: start, to: i, dash });
    // The end of the sequence: a top-level key or the end of the text.
    if (i < lines.length && !(dashAt(lines[i]) === dash && indentOf(lines[i]!) === dash) && !TOP_KEY.test(lines[i]!)) return undefined;
  }
  return { items, end: i };
}
