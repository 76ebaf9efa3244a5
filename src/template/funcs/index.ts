// The function map ESO's v2 engine gives templates: Go's builtins, then sprig (ESO's vendored copy:
// no env/expandenv/getHostByName, plus hexdec), then ESO's own functions. Later entries win, as
// text/template's Funcs take precedence over builtins (so sprig's `slice` shadows the builtin).
import { type Compiled, type FuncTable, compile } from '../exec.js';
import { builtinFuncs } from './builtins.js';
import { cryptoFuncs } from './crypto.js';
import { esoDecryptFuncs } from './eso-decrypt.js';
import { esoJwkFuncs } from './eso-jwk.js';
import { esoPemFuncs } from './eso-pem.js';
import { esoPkcs12Funcs } from './eso-pkcs12.js';
import { esoYamlFuncs } from './eso-yaml.js';
import { sprigFuncs } from './sprig.js';

interface Entry {
  name: string;
  sig: string;
  fn: (...args: any[]) => unknown;
  nondeterministic?: true;
  builtin?: true;
}

const sprigTables: readonly (readonly Entry[])[] = [sprigFuncs, cryptoFuncs];

const esoTables: readonly (readonly Entry[])[] = [esoDecryptFuncs, esoJwkFuncs, esoPemFuncs, esoPkcs12Funcs, esoYamlFuncs];

/** Names ESO removes from sprig's map. */
const REMOVED = new Set(['env', 'expandenv', 'getHostByName']);

function build(): Map<string, Compiled> {
  const m = new Map<string, Compiled>();
  const add = (e: Entry): void => {
    if (REMOVED.has(e.name)) return;
    m.set(e.name, compile(e.name, e.sig, e.fn, { builtin: !!e.builtin, nondeterministic: !!e.nondeterministic }));
  };
  for (const e of builtinFuncs) add(e);
  for (const t of sprigTables) for (const e of t) add(e);
  for (const t of esoTables) for (const e of t) add(e);
  return m;
}

let table: Map<string, Compiled> | undefined;

/** The assembled function table (built once). */
export function funcTable(): FuncTable {
  return (table ??= build());
}
