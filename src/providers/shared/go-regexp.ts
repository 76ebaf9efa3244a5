// Go regexps are RE2. re2js gives the same syntax and semantics (no backreferences, linear time),
// so a pattern from an ExternalSecret means what it means in ESO.

import type { RE2JS } from 're2js';
import { re2 } from '../../common/lazy-packages.js';

export interface GoRegexp {
  /** Unanchored match, as Go's MatchString. */
  test(s: string): boolean;
  /** Go's ReplaceAllString with $1 / ${name} / $$ expansion (greedy $name). */
  replaceAll(s: string, template: string): string;
}

const cache = new Map<string, GoRegexp>();

export function compileGoRegexp(pattern: string): GoRegexp {
  let re = cache.get(pattern);
  if (re) return re;
  let compiled: RE2JS;
  try {
    compiled = re2().compile(pattern);
  } catch (e) {
    throw new Error(`error parsing regexp: ${e instanceof Error ? e.message : String(e)}`);
  }
  re = {
    test: (s) => compiled.matcher(s).find(),
    replaceAll: (s, t) => replaceAllGo(compiled, s, t),
  };
  cache.set(pattern, re);
  return re;
}

function replaceAllGo(re: RE2JS, src: string, template: string): string {
  const m = re.matcher(src);
  let out = '';
  let last = 0;
  let searchFrom = 0;
  const names = re.namedGroups() as Record<string, number>;
  while (searchFrom <= src.length && m.find(searchFrom)) {
    const start = m.start();
    const end = m.end();
    out += src.slice(last, start) + expand(template, (g) => {
      const idx = /^[0-9]+$/.test(g) ? Number(g) : names[g];
      if (idx === undefined || idx > re.groupCount()) return '';
      return m.group(idx) ?? '';
    });
    last = end;
    // Go advances past an empty match by one character.
    searchFrom = end === start ? end + 1 : end;
    if (searchFrom > src.length) break;
  }
  return out + src.slice(last);
}

/** Go's Regexp.Expand template syntax: $name (greedy over [A-Za-z0-9_]), ${name}, $$. */
function expand(template: string, group: (name: string) => string): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    const n = template[i + 1]!;
    if (n === '$') {
      out += '$';
      i++;
      continue;
    }
    if (n === '{') {
      const close = template.indexOf('}', i + 2);
      const name = close < 0 ? '' : template.slice(i + 2, close);
      if (close < 0 || !/^[A-Za-z0-9_]+$/.test(name)) {
        out += c; // malformed: Go copies the '$' literally
        continue;
      }
      out += group(name);
      i = close;
      continue;
    }
    const m = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
    if (!m) {
      out += c;
      continue;
    }
    out += group(m[0]);
    i += m[0].length;
  }
  return out;
}
