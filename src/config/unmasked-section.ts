// `spec.unmasked` of a RenderConfig: lets `generate` render what Argo CD shows unmasked as ESO does
// (src/engine/unmasked.ts, docs/security.md). Both off by default; without sealing, plain `render` keeps
// ESO's behaviour regardless. Sealed output never carries templated metadata.
//
//   unmasked:
//     allowTemplatedMetadata: true   # template.metadata labels/annotations with actions, templateFrom Labels/Annotations
//     allowComputedKeys: true        # data keys computed by a template (target-Data literal, KeysAndValues)
export interface UnmaskedSection {
  allowTemplatedMetadata?: boolean;
  allowComputedKeys?: boolean;
}

const FIELDS = ['allowTemplatedMetadata', 'allowComputedKeys'] as const;

export function readUnmaskedSection(v: unknown, problem: (path: string, message: string) => void): UnmaskedSection | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problem('spec.unmasked', `must be a mapping with ${FIELDS.join(', ')}`);
    return undefined;
  }
  const out: UnmaskedSection = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (!(FIELDS as readonly string[]).includes(k)) problem(`spec.unmasked.${k}`, `unknown field; expected ${FIELDS.join(', ')}`);
    else if (typeof x !== 'boolean') problem(`spec.unmasked.${k}`, 'must be true or false');
    else out[k as (typeof FIELDS)[number]] = x;
  }
  return out;
}
