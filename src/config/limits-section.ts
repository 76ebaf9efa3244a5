// `spec.limits` of a RenderConfig: bounds on the work of one run (src/common/limits.ts, docs/security.md
// "Bounded work"). Every field is optional; unknown fields are errors, like everywhere in the config.
import { defaultLimits, type RenderLimits } from '../common/limits.js';

const FIELDS = ['templateOperations', 'templateOutputBytes', 'inputBytes', 'documents', 'fetchedBytes'] as const;

export function readLimits(v: unknown, problem: (path: string, message: string) => void): Partial<RenderLimits> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problem('spec.limits', `must be a mapping with ${FIELDS.join(', ')}`);
    return undefined;
  }
  const out: Partial<RenderLimits> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (!(FIELDS as readonly string[]).includes(k)) {
      problem(`spec.limits.${k}`, `unknown field; expected ${FIELDS.join(', ')}`);
      continue;
    }
    const field = k as keyof RenderLimits;
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 1) {
      problem(`spec.limits.${k}`, `must be a positive whole number${field.endsWith('Bytes') ? ' of bytes' : ''} (default ${defaultLimits[field]})`);
      continue;
    }
    out[field] = x;
  }
  return out;
}
