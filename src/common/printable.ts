// What reaches a terminal or a log line is printable: control characters in a message (which may carry a
// name from a manifest, a key, a path) are escaped at the output edge, so no input can forge a log line.

/**
 * Escapes control characters (C0, DEL, C1, line and paragraph separators, bidirectional overrides) so
 * that nothing printed can start a forged log line or reorder what a terminal shows. `\n` becomes the
 * two characters `\n`, other controls `\xHH` or `\uHHHH`.
 */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(s)) return s;
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
