// Go's encoding/pem, byte for byte: ESO's and sprig's functions depend on exactly which blocks
// Go's Decode accepts, what it skips, and how Encode lays out headers and 64-column lines.
// Strings here are Go strings (one char per byte).

export interface PemBlock {
  type: string;
  headers: Map<string, string>;
  /** DER bytes as a binary string. */
  bytes: string;
}

const PEM_START = '\n-----BEGIN ';
const PEM_END = '\n-----END ';
const PEM_END_OF_LINE = '-----';

/** Go's getLine: the first line without its \n (and a \r before it), right-trimmed of spaces/tabs. */
function getLine(data: string): [string, string] {
  let i = data.indexOf('\n');
  let j: number;
  if (i < 0) {
    i = data.length;
    j = i;
  } else {
    j = i + 1;
    if (i > 0 && data.charCodeAt(i - 1) === 13) i--;
  }
  return [data.slice(0, i).replace(/[ \t]+$/, ''), data.slice(j)];
}

const STD_B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** base64.StdEncoding.DecodeString, which skips \r and \n; undefined when Go would fail. */
export function goStdB64Decode(s: string): string | undefined {
  const clean = s.replace(/[\r\n]/g, '');
  if (!STD_B64.test(clean)) return undefined;
  return Buffer.from(clean, 'base64').toString('latin1');
}

/** pem.Decode: the first valid block and the rest, or [undefined, data] when there is none. */
export function pemDecode(data: string): [PemBlock | undefined, string] {
  let rest = data;
  for (;;) {
    if (rest.startsWith(PEM_START.slice(1))) {
      rest = rest.slice(PEM_START.length - 1);
    } else {
      const i = rest.indexOf(PEM_START);
      if (i < 0) return [undefined, data];
      rest = rest.slice(i + PEM_START.length);
    }

    let typeLine: string;
    [typeLine, rest] = getLine(rest);
    if (!typeLine.endsWith(PEM_END_OF_LINE)) continue;
    typeLine = typeLine.slice(0, typeLine.length - PEM_END_OF_LINE.length);

    const headers = new Map<string, string>();
    for (;;) {
      if (rest.length === 0) return [undefined, data];
      const [line, next] = getLine(rest);
      const colon = line.indexOf(':');
      if (colon < 0) break;
      headers.set(trimGoSpace(line.slice(0, colon)), trimGoSpace(line.slice(colon + 1)));
      rest = next;
    }

    let endIndex: number;
    let endTrailerIndex: number;
    if (headers.size === 0 && rest.startsWith(PEM_END.slice(1))) {
      endIndex = 0;
      endTrailerIndex = PEM_END.length - 1;
    } else {
      endIndex = rest.indexOf(PEM_END);
      endTrailerIndex = endIndex + PEM_END.length;
    }
    if (endIndex < 0) continue;

    let endTrailer = rest.slice(endTrailerIndex);
    const endTrailerLen = typeLine.length + PEM_END_OF_LINE.length;
    if (endTrailer.length < endTrailerLen) continue;
    const restOfEndLine = endTrailer.slice(endTrailerLen);
    endTrailer = endTrailer.slice(0, endTrailerLen);
    if (!endTrailer.startsWith(typeLine) || !endTrailer.endsWith(PEM_END_OF_LINE)) continue;
    if (getLine(restOfEndLine)[0].length !== 0) continue;

    const b64 = rest.slice(0, endIndex).replace(/[ \t]/g, '');
    const bytes = goStdB64Decode(b64);
    if (bytes === undefined) continue;

    const after = getLine(rest.slice(endIndex + PEM_END.length - 1))[1];
    return [{ type: typeLine, headers, bytes }, after];
  }
}

/** bytes.TrimSpace for ASCII input (PEM header lines). */
function trimGoSpace(s: string): string {
  return s.replace(/^[\t\n\v\f\r \x85\xa0]+|[\t\n\v\f\r \x85\xa0]+$/g, '');
}

/** pem.EncodeToMemory: Proc-Type first, other headers sorted, 64-column base64 lines. */
export function pemEncode(block: { type: string; bytes: string; headers?: Map<string, string> }): string {
  let out = `-----BEGIN ${block.type}-----\n`;
  const headers = block.headers ?? new Map<string, string>();
  if (headers.size > 0) {
    const keys = [...headers.keys()].filter((k) => k !== 'Proc-Type').sort(compareBytes);
    if (headers.has('Proc-Type')) out += `Proc-Type: ${headers.get('Proc-Type')}\n`;
    for (const k of keys) out += `${k}: ${headers.get(k)}\n`;
    out += '\n';
  }
  const b64 = Buffer.from(block.bytes, 'latin1').toString('base64');
  for (let i = 0; i < b64.length; i += 64) out += b64.slice(i, i + 64) + '\n';
  return out + `-----END ${block.type}-----\n`;
}

/** Go's string ordering (bytewise). */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
