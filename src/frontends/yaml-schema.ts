// How manifest text is read into objects, and how untouched scalars keep their spelling when a parsed
// document is printed again.
//
// Which YAML? Kubernetes tools disagree (plugin-contracts.md §A.9): kyaml (kustomize, kpt, which feed us
// the stream) reads YAML 1.2 booleans (`on`, `yes` stay strings) but keeps YAML 1.1 octal (`0755` = 493);
// kubectl and Argo CD (go-yaml v2) read YAML 1.1 (`on` = true). We read like kyaml, because kyaml is the
// reader directly before us in the pipeline and the one that decides what kustomize passes on:
//   - the YAML 1.2 core schema (`on`, `yes`, `y`, `2024-01-01` are strings; `true`, `~`, `1e3` are not);
//   - plus legacy octal: `0755` is 493, as every Go reader has it (the 1.2 core schema alone would say 755);
//   - plus `<<` merge keys, which every Go reader honours.
// Known difference from go-yaml v3: it strips `_` from numbers and reads `0b` binary, so `1_000` and
// `0b101` are numbers there and strings here. No field the engine reads depends on it, and such text
// passes through byte for byte either way. A `%YAML 1.1` directive does not change any of this (go-yaml
// ignores it as well). Strings we *write* are quoted for the stricter YAML 1.1 readers (yaml-quote.ts),
// so both families read back what we meant.
import type { CollectionTag, DocumentOptions, ParseOptions, ScalarTag, SchemaOptions, ToJSOptions } from 'yaml';
import { CST, Scalar, Schema } from 'yaml';

// The nesting and alias bounds live in src/common/limits.ts: fromYaml/fromJson inside templates share them.
import { MAX_ALIAS_COUNT } from '../common/limits.js';
export { MAX_ALIAS_COUNT, MAX_DEPTH } from '../common/limits.js';

const legacyOctal: ScalarTag = {
  identify: (v) => typeof v === 'number' && Number.isInteger(v),
  default: true,
  tag: 'tag:yaml.org,2002:int',
  // Its own format, so printing a parsed `0755` finds this tag again rather than the 1.2 `0o` one.
  format: 'OCT-1.1',
  test: /^[-+]?0[0-7]+$/,
  resolve: (str) => {
    const neg = str.startsWith('-');
    const digits = str.replace(/^[-+]?0/, '');
    const n = parseInt(digits, 8);
    return neg ? -n : n;
  },
  // Only reached for a parsed node (identify never claims new numbers first: see the tag order below).
  // Printing a parsed node keeps its source (see keepSourceSpelling); this is only the fallback.
  stringify: (node) => {
    const v = (node as Scalar).value as number;
    return v < 0 ? `-0${(-v).toString(8)}` : `0${v.toString(8)}`;
  },
};

// The `<<` merge tag as the `yaml` package defines it, except that it claims only real merge keys when
// printing: the package's own tag also claims the *string* "<<", so a quoted `"<<"` value would print plain.
const packageMergeTag = new Schema({ merge: true }).tags.find((t) => t.tag === 'tag:yaml.org,2002:merge') as ScalarTag;
const mergeTag: ScalarTag = {
  ...packageMergeTag,
  identify: (v) => typeof v === 'symbol' && v.description === '<<',
};

/**
 * Wrap a scalar tag so a parsed scalar whose value has not changed prints exactly as it was written
 * (`0x1F`, `1e3`, `+1`, `.5`, `!!str 0755`, `"\u00e9"` would otherwise be normalised by the `yaml` package).
 * `all` is the whole tag list: the tag that printing picks is not always the one that parsed the scalar.
 */
function keepSourceSpelling(tag: ScalarTag, all: readonly AnyTag[]): ScalarTag {
  const inner = tag.stringify;
  if (!inner) return tag;
  return {
    ...tag,
    stringify(item, ctx, onComment, onChompKeep) {
      const spelled = originalSpelling(item as Scalar, tag, all, ctx.options);
      return spelled ?? inner(item, ctx, onComment, onChompKeep);
    },
  };
}

function originalSpelling(node: Scalar, tag: ScalarTag, all: readonly AnyTag[], options: unknown): string | undefined {
  const source = node.source;
  if (typeof source !== 'string') return undefined;
  if (tag.tag === 'tag:yaml.org,2002:str') {
    if (typeof node.value !== 'string') return undefined;
    if (node.type === Scalar.PLAIN) return source === node.value && !/[\n\r]/.test(source) ? source : undefined;
    // Single-line quoted scalars keep their quotes and escapes, read from the parser's token.
    const tok = node.srcToken as CST.FlowScalar | undefined;
    if ((node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) && tok && 'source' in tok) {
      const raw = tok.source;
      if (/[\n\r]/.test(raw)) return undefined;
      const again = CST.resolveAsScalar(tok);
      return again && again.value === node.value ? raw : undefined;
    }
    return undefined;
  }
  if (node.type !== undefined && node.type !== Scalar.PLAIN) return undefined;
  for (const t of all) {
    const st = t as ScalarTag;
    if (t.tag !== node.tag && !(node.tag === undefined && t.tag === tag.tag)) continue;
    if (!st.test || !st.test.test(source)) continue;
    const again = st.resolve(source, () => {}, options as never);
    const v = again instanceof Scalar ? again.value : again;
    if (Object.is(v, node.value)) return source;
  }
  return undefined;
}

type AnyTag = ScalarTag | CollectionTag;

function readingTags(tags: AnyTag[]): AnyTag[] {
  const base: AnyTag[] = [];
  for (const t of tags) {
    // Legacy octal goes before the decimal int tag so `0755` is not read as 755.
    if (t.tag === 'tag:yaml.org,2002:int' && !(t as ScalarTag).format && !base.includes(legacyOctal)) base.push(legacyOctal);
    base.push(t);
  }
  base.push(mergeTag);
  const out: AnyTag[] = [];
  for (const t of base) {
    const isScalar = !('collection' in t && t.collection);
    out.push(isScalar && t !== mergeTag ? keepSourceSpelling(t as ScalarTag, base) : t);
  }
  return out;
}

/** Options for parsing manifest documents (Parser + Composer). */
export const readOptions: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.2',
  schema: 'core',
  customTags: readingTags as SchemaOptions['customTags'],
  // Merge keys come from our own tag above; the package's option would add its string-claiming tag.
  merge: false,
  uniqueKeys: true,
  // Quoted scalars keep their token so an edited document can print them with their original escapes.
  keepSourceTokens: true,
  prettyErrors: false,
  strict: true,
};

export const toJSOptions: ToJSOptions = { maxAliasCount: MAX_ALIAS_COUNT };
