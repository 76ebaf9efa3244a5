// What Argo CD and a SealedSecret show unmasked (issue 14, docs/security.md "Labels, annotations and key
// names are not masked"). Argo CD masks a Secret's data values, not its labels, annotations or data key
// names, and a SealedSecret promises ciphertext only, yet its spec.template.metadata is plain text. ESO lets
// templates write fetched values into exactly those places: template.metadata labels/annotations with
// template actions, templateFrom with target Labels/Annotations, and data keys computed by a template
// (a target-Data literal that computes a key, KeysAndValues items). In `generate` and whenever sealing is on,
// those are refused by field before any request. Key names written in the manifest, fetched key names
// (dataFrom extract/find, and rewrites of them, which see key names only) are kept: ESO shows them too.
// The platform may restore ESO's behaviour in `generate` (spec.unmasked, src/config/unmasked-section.ts);
// sealed output never carries templated metadata.
import type { ExternalSecret } from '../eso/model.js';
import type { RenderOptions } from './types.js';

export interface UnmaskedFinding {
  es: ExternalSecret;
  field: string;
  message: string;
}

const WHY_META = 'Argo CD shows labels and annotations unmasked';
const WHY_SEALED = 'a SealedSecret promises ciphertext only, and its spec.template.metadata is plain text';

/** A key computed at run time: some action of the literal's line sits before its first `: `. */
function computesKey(literal: string, left: string): boolean {
  for (const line of literal.split('\n')) {
    const at = line.indexOf(left);
    if (at < 0) continue;
    const colon = line.indexOf(': ');
    const colonEnd = line.trimEnd().endsWith(':') ? line.trimEnd().length - 1 : -1;
    const keyEnd = colon >= 0 ? colon : colonEnd;
    if (keyEnd < 0 || at < keyEnd) return true;
  }
  return false;
}

export function unmaskedFindings(externalSecrets: readonly ExternalSecret[], options: RenderOptions): UnmaskedFinding[] {
  const sealed = options.seal !== undefined;
  if (!options.sharedSidecar && !sealed) return [];
  const allowMeta = !sealed && options.unmasked?.allowTemplatedMetadata === true;
  const allowKeys = options.unmasked?.allowComputedKeys === true;
  const left = options.delimiters.left;
  const why = sealed ? WHY_SEALED : WHY_META;
  const how = sealed ? 'write labels and annotations literally' : 'write labels and annotations literally, or ask the platform to allow it (spec.unmasked.allowTemplatedMetadata)';
  const howKeys = 'write data key names literally, or ask the platform to allow it (spec.unmasked.allowComputedKeys)';
  const out: UnmaskedFinding[] = [];
  for (const es of externalSecrets) {
    const t = es.spec.target.template;
    if (!t) continue;
    const base = 'spec.target.template';
    if (!allowMeta) {
      for (const part of ['labels', 'annotations'] as const) {
        for (const [k, v] of Object.entries(t.metadata?.[part] ?? {})) {
          if (k.includes(left) || String(v).includes(left)) {
            out.push({ es, field: `${base}.metadata.${part}.${k}`, message: `a templated ${part.slice(0, -1)} is refused: ${why}; ${how}` });
          }
        }
      }
    }
    t.templateFrom.forEach((tf, i) => {
      const target = tf.target.toLowerCase();
      if ((target === 'labels' || target === 'annotations') && !allowMeta) {
        out.push({ es, field: `${base}.templateFrom[${i}].target`, message: `templateFrom with target ${tf.target} is refused: ${why}; ${how}` });
      }
      if (target !== 'data' || allowKeys) return;
      if (tf.literal !== undefined && computesKey(tf.literal, left)) {
        out.push({ es, field: `${base}.templateFrom[${i}].literal`, message: `a data key computed by a template is refused: Argo CD shows data key names unmasked; ${howKeys}` });
      }
      for (const [src, ref] of [['configMap', tf.configMap], ['secret', tf.secret]] as const) {
        ref?.items.forEach((it, j) => {
          if (it.templateAs === 'KeysAndValues') {
            out.push({ es, field: `${base}.templateFrom[${i}].${src}.items[${j}].templateAs`, message: `KeysAndValues computes data key names by a template and is refused: Argo CD shows data key names unmasked; ${howKeys}` });
          }
        });
      }
    });
  }
  return out;
}
