// Text-level helpers for manifest streams: lines, UTF-8, JSON value boundaries and layout detection.
// Nothing here parses YAML.

/** Only blank lines, comments, directives and a BOM between `from` and `to`. */
export function onlyPreamble(text: string, from: number, to: number): boolean {
  return /^\uFEFF?(?:[ \t]*(?:#[^\n]*)?\r?\n|%[^\n]*\r?\n)*$/.test(text.slice(from, to));
}

/** Whether block sequences under a key are written at the key's indent (kubectl) or indented. */
export function seqStyleIsCompact(text: string): boolean {
  const m = /^( *)[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\r?\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*( *)- /m.exec(text);
  return m ? m[1]!.length === m[2]!.length : true;
}

/** The indentation step of block mappings in the text (2 when it cannot tell). */
export function indentStep(text: string): number {
  const m = /^( *)[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\r?\n( +)[^\s#-]/m.exec(text);
  const step = m ? m[2]!.length - m[1]!.length : 2;
  return step >= 1 && step <= 8 ? step : 2;
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Decode strict UTF-8, keeping a BOM (it is part of the text to write back); on failure, where it failed. */
export function decodeUtf8(bytes: Uint8Array): string | { line: number } {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < bad; i++) if (bytes[i] === 0x0a) line++;
    return { line };
  }
}

export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (0x3f >> n);
    for (let j = 1; j <= n; j++) {
      const cc = b[i + j];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}

/**
 * The [start, end) offsets of two or more JSON values written one after another (whitespace between),
 * or undefined when the text is not such a stream.
 */
export function splitJsonStream(text: string): Array<[number, number]> | undefined {
  const values: Array<[number, number]> = [];
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    if (text[i] !== '{' && text[i] !== '[') return undefined;
    const start = i;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (depth !== 0) return undefined;
    i++;
    try {
      JSON.parse(text.slice(start, i));
    } catch {
      return undefined;
    }
    values.push([start, i]);
  }
  return values.length >= 2 ? values : undefined;
}

/** The comment lines before a segment's first content line (separators, directives and blanks skipped). */
export function leadingComments(text: string): string {
  const out: string[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split('\n')) {
    const line = raw.replace(/\r$/, '');
    const comment = /^\s*(#.*)$/.exec(line) ?? /^(?:---|\.\.\.)\s+(#.*)$/.exec(line);
    if (comment) out.push(`${comment[1]!.trimEnd()}\n`);
    else if (!/^\s*$/.test(line) && !/^(?:---|\.\.\.)\s*$/.test(line) && !line.startsWith('%')) break;
  }
  return out.join('');
}
