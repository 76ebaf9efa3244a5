// Step 2's first half: every ESO object of the stream and of the platform configuration is checked against
// ESO's CRD schema (src/eso/strict.ts) before anything reads it. The returned sink drops a later finding
// on a field the schema already reported for the same object, so each mistake is reported once.

import type { KubeObject } from './types.js';
import type { ErrorSink } from './prepare.js';
import { checkStrict, type StrictProblem } from '../eso/strict.js';

export function checkSchemas(objects: Iterable<KubeObject>, error: ErrorSink): ErrorSink {
  const found = new Map<KubeObject, StrictProblem[]>();
  for (const o of objects) {
    if (found.has(o)) continue;
    const problems = checkStrict(o);
    if (!problems) continue;
    found.set(o, problems);
    for (const p of problems) error(o, p.field, p.message);
  }
  return (obj, field, message, tags) => {
    const strict = found.get(obj);
    if (strict && field && strict.some((s) => field === s.field || field.startsWith(`${s.field}.`) || field.startsWith(`${s.field}[`))) return;
    error(obj, field, message, tags);
  };
}
