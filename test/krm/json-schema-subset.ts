// A validator for exactly the JSON Schema (2020-12) keywords schemas/renderconfig.schema.json uses.
// Small enough to read in one sitting; it refuses any other keyword, so the schema cannot quietly grow
// a rule this validator would skip. (A full validator such as ajv would be one more dependency for ~80 lines.)

type Schema = Record<string, unknown>;

const annotationKeywords = new Set(['$schema', '$id', 'title', 'description', 'default', '$defs']);
const checkedKeywords = new Set([
  'type', 'const', 'enum', 'properties', 'required', 'additionalProperties', 'items', 'minimum', 'minLength', 'pattern', '$ref',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(want: string, v: unknown): boolean {
  const t = typeOf(v);
  return want === t || (want === 'number' && t === 'integer');
}

/** Every violation, as `<json pointer>: <reason>`; empty when `value` is valid. */
export function validate(schema: Schema, value: unknown): string[] {
  const errors: string[] = [];
  const root = schema;
  const walk = (s: Schema, v: unknown, at: string): void => {
    for (const k of Object.keys(s)) {
      if (!annotationKeywords.has(k) && !checkedKeywords.has(k)) throw new Error(`schema keyword ${k} at ${at || '/'} is not supported by this validator`);
    }
    if (typeof s.$ref === 'string') {
      const m = /^#\/\$defs\/(.+)$/.exec(s.$ref);
      const target = m ? (root.$defs as Record<string, Schema> | undefined)?.[m[1]!] : undefined;
      if (!target) throw new Error(`unresolvable $ref ${s.$ref}`);
      walk(target, v, at);
    }
    if (typeof s.type === 'string' && !typeMatches(s.type, v)) {
      errors.push(`${at || '/'}: expected ${s.type}, got ${typeOf(v)}`);
      return;
    }
    if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(v)) errors.push(`${at || '/'}: must be ${JSON.stringify(s.const)}`);
    if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
      errors.push(`${at || '/'}: must be one of ${JSON.stringify(s.enum)}`);
    }
    if (typeof v === 'string') {
      if (typeof s.minLength === 'number' && [...v].length < s.minLength) errors.push(`${at}: shorter than ${s.minLength}`);
      if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) errors.push(`${at}: does not match ${s.pattern}`);
    }
    if (typeof v === 'number' && typeof s.minimum === 'number' && v < s.minimum) errors.push(`${at}: less than ${s.minimum}`);
    if (Array.isArray(v) && s.items && typeof s.items === 'object') v.forEach((x, i) => walk(s.items as Schema, x, `${at}/${i}`));
    if (typeOf(v) === 'object') {
      const obj = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const r of (s.required as string[] | undefined) ?? []) if (!(r in obj)) errors.push(`${at || '/'}: missing ${r}`);
      for (const [k, x] of Object.entries(obj)) {
        if (props[k]) walk(props[k], x, `${at}/${k}`);
        else if (s.additionalProperties === false) errors.push(`${at}/${k}: unknown field`);
      }
    }
  };
  walk(schema, value, '');
  return errors;
}
