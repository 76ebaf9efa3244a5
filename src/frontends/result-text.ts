// One line per result, in the form kpt prints them, for channels that carry only text (stderr), and the
// one output edge where everything printed is made printable: control characters in a message, field,
// tag or name (which may come from a manifest) are escaped, so no input can forge a log line (text or
// JSON) or a line of a KRM result as kpt prints it.
import type { Result } from '../engine/types.js';
import { printable } from '../common/printable.js';

export { printable };

/** The result with every string escaped (message, field, file, resource names, tags). */
export function printableResult(r: Result): Result {
  const out: Result = { ...r, message: printable(r.message) };
  if (r.field) out.field = { path: printable(r.field.path) };
  if (r.file) out.file = { ...r.file, path: printable(r.file.path) };
  if (r.resourceRef) {
    const ref: NonNullable<Result['resourceRef']> = {};
    for (const [k, v] of Object.entries(r.resourceRef) as [keyof typeof ref, string | undefined][]) if (v !== undefined) ref[k] = printable(String(v));
    out.resourceRef = ref;
  }
  if (r.tags) out.tags = Object.fromEntries(Object.entries(r.tags).map(([k, v]) => [printable(k), printable(String(v))]));
  return out;
}

export function printableResults(results: readonly Result[]): Result[] {
  return results.map(printableResult);
}

// JSON.stringify escapes C0 controls; DEL, C1, the line separators and bidi overrides stay raw.
// eslint-disable-next-line no-control-regex
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One JSON log line (with its newline), every control character escaped. */
export function jsonLine(o: unknown): string {
  return JSON.stringify(o).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n';
}

/** A JSON log line for a result. */
export function resultJsonLine(r: Result, extra: Record<string, unknown> = {}): string {
  return jsonLine({ level: r.severity, ...printableResult(r), ...extra });
}

export function formatResult(r: Result): string {
  const ref = r.resourceRef;
  const who = ref ? [ref.apiVersion, ref.kind, ref.namespace, ref.name].filter((x) => x !== undefined && x !== '').join('/') : '';
  const where = [who, r.field?.path].filter((x) => x !== undefined && x !== '').join(' ');
  const file = r.file ? ` (${r.file.path}${r.file.index !== undefined ? `#${r.file.index}` : ''})` : '';
  return printable(`[${r.severity}] ${where}${where ? ': ' : ''}${r.message}${file}`);
}

export function formatResults(results: readonly Result[]): string {
  return results.map((r) => `${formatResult(r)}\n`).join('');
}
