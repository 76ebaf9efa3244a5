// One line per result, in the form kpt prints them, for channels that carry only text (stderr).
import type { Result } from '../engine/types.js';

export function formatResult(r: Result): string {
  const ref = r.resourceRef;
  const who = ref ? [ref.apiVersion, ref.kind, ref.namespace, ref.name].filter((x) => x !== undefined && x !== '').join('/') : '';
  const where = [who, r.field?.path].filter((x) => x !== undefined && x !== '').join(' ');
  const file = r.file ? ` (${r.file.path}${r.file.index !== undefined ? `#${r.file.index}` : ''})` : '';
  return `[${r.severity}] ${where}${where ? ': ' : ''}${r.message}${file}`;
}

export function formatResults(results: readonly Result[]): string {
  return results.map((r) => `${formatResult(r)}\n`).join('');
}
