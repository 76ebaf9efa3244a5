// The function modules a template may need, in the order ESO's map is assembled: sprig's groups (as
// sprig.ts lists them), its crypto group, then ESO's own functions. Each loads on first use of one of
// its names (index.ts): a template calling `quote` and `fromJson` never compiles dates, crypto or
// ESO's PKCS#12. The import paths are literal, so the single-executable bundle (esbuild) follows them.
import type { FuncEntry } from './sprig-types.js';

export const GROUP_LOADERS = {
  'sprig-dates': async () => (await import('./sprig-dates.js')).dateFuncs,
  'sprig-strings': async () => (await import('./sprig-strings.js')).stringFuncs,
  'sprig-conv': async () => (await import('./sprig-conv.js')).convFuncs,
  'sprig-math': async () => (await import('./sprig-math.js')).mathFuncs,
  'sprig-lists': async () => (await import('./sprig-lists.js')).listFuncs,
  'sprig-dicts': async () => (await import('./sprig-dicts.js')).dictFuncs,
  'sprig-defaults': async () => (await import('./sprig-defaults.js')).defaultFuncs,
  'sprig-json': async () => (await import('./sprig-json.js')).jsonFuncs,
  'sprig-regex': async () => (await import('./sprig-regex.js')).regexFuncs,
  'sprig-misc': async () => (await import('./sprig-misc.js')).miscFuncs,
  crypto: async () => (await import('./crypto.js')).cryptoFuncs,
  'eso-decrypt': async () => (await import('./eso-decrypt.js')).esoDecryptFuncs,
  'eso-jwk': async () => (await import('./eso-jwk.js')).esoJwkFuncs,
  'eso-pem': async () => (await import('./eso-pem.js')).esoPemFuncs,
  'eso-pkcs12': async () => (await import('./eso-pkcs12.js')).esoPkcs12Funcs,
  'eso-yaml': async () => (await import('./eso-yaml.js')).esoYamlFuncs,
} satisfies Record<string, () => Promise<readonly FuncEntry[]>>;

export type GroupName = keyof typeof GROUP_LOADERS;

/** Every group, in the map's order (a later group's entry wins over an earlier one of the same name). */
export const GROUP_ORDER = Object.keys(GROUP_LOADERS) as GroupName[];
