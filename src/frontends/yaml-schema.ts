// How manifest text is read into objects, and how untouched scalars keep their spelling when a parsed
// document is printed again.
//
// Which YAML? Kubernetes tools disagree (plugin-contracts.md §A.9): kyaml (kustomize, kpt, which feed us
// the stream) reads YAML 1.2 booleans (`on`, `yes` stay strings) but keeps YAML 1.1 octal (`0755` = 493);
// kubectl and Argo CD (go-yaml v2) read YAML 1.1 (`on` = true). We read like kyaml, because kyaml is the
// reader directly before us in the pipeline and the one that decides what kustomize passes on:
//   - the YAML 1.2 core schema (`on`, `yes`, `y`, `2024-01-01`, `1_000` are strings; `true`, `~`, `1e3` are not);
//   - plus legacy octal: `0755` is 493, as every Go reader has it (the 1.2 core schema alone would say 755);
//   - plus `<<` merge keys, which every Go reader honours.
// Strings we *write* are quoted for the stricter YAML 1.1 readers (see yaml-quote.ts), so both families
// read back what we meant.
import type { CollectionTag, DocumentOptions, ParseOptions, ScalarTag, SchemaOptions, ToJSOptions } from 'yaml';
import { Scalar } from 'yaml';

/** Upper bound on nesting (maps and sequences) in one document; Kubernetes objects stay far below it. */
export const MAX_DEPTH = 200;

/**
 * Alias expansion budget for `toJS` (the `yaml` package weighs each alias by the size of what it
 * expands to), so a "billion laughs" document fails fast instead of exhausting memory.
 */
export const MAX_ALIAS_COUNT = 100;

const legacyOctal: ScalarTag = {
  identify: (v) => typeof v === 'number' && Number.isInteger(v),
  default: true,
  tag: 'tag:yaml.org,2002:int',
  format: 'OCT',
  test: /^[-+]?0[0-7]+$/,
  resolve: (str) => {
    const neg = str.startsWith('-');
    const digits = str.replace(/^[-+]?0/, '');
    const n = parseInt(digits, 8);
    return neg ? -n : n;
  },
  // Only reached for a parsed node (identify never claims new numbers first: see the tag order below).
  stringify: (node) => String((node as Scalar).source ?? (node as Scalar).value),
};

/**
 * Wrap a scalar tag so a parsed scalar whose value has not changed prints exactly as it was written
 * (`0x1F`, `1e3`, `+1`, `.5` would otherwise be normalised by the `yaml` package).
 */
function keepSourceSpelling(tag: ScalarTag): ScalarTag {
  const inner = tag.stringify;
  if (!inner) return tag;
  return {
    ...tag,
    stringify(item, ctx, onComment, onChompKeep) {
      const node = item as Scalar;
      if (typeof node.source === 'string' && tag.test && tag.test.test(node.source)) {
        const again = tag.resolve(node.source, () => {}, ctx.options as never);
        const v = again instanceof Scalar ? again.value : again;
        if (Object.is(v, node.value)) return node.source;
      }
      return inner(item, ctx, onComment, onChompKeep);
    },
  };
}

type AnyTag = ScalarTag | CollectionTag;

function readingTags(tags: AnyTag[]): AnyTag[] {
  const out: AnyTag[] = [];
  for (const t of tags) {
    const isScalar = !('collection' in t && t.collection);
    // Legacy octal goes before the decimal int tag so `0755` is not read as 755.
    if (isScalar && t.tag === 'tag:yaml.org,2002:int' && !(t as ScalarTag).format && !out.includes(legacyOctal)) {
      out.push(legacyOctal);
    }
    out.push(isScalar && t.tag !== 'tag:yaml.org,2002:str' ? keepSourceSpelling(t as ScalarTag) : t);
  }
  return out;
}

/** Options for parsing manifest documents (Parser + Composer). */
export const readOptions: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.2',
  schema: 'core',
  customTags: readingTags as SchemaOptions['customTags'],
  merge: true,
  uniqueKeys: true,
  prettyErrors: false,
  strict: true,
};

export const toJSOptions: ToJSOptions = { maxAliasCount: MAX_ALIAS_COUNT };
