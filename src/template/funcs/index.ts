// The function map ESO's v2 engine gives templates: Go's builtins, then sprig (ESO's vendored copy:
// no env/expandenv/getHostByName, plus hexdec), then ESO's own functions. Later entries win, as
// text/template's Funcs take precedence over builtins (so sprig's `slice` shadows the builtin).
//
// Only the builtins are loaded with this module. The other groups (groups.ts) load on first use of one of
// their names (loadFunctionGroups, awaited before a template runs); whether a name exists, and whether it
// is non-deterministic, is read from names.generated.ts, so parsing (and Go's `function "x" not defined`)
// never needs a group.
import { type Compiled, type FuncTable, compile } from '../exec.js';
import { builtinFuncs } from './builtins.js';
import { GROUP_LOADERS, GROUP_ORDER, type GroupName } from './groups.js';
import { FUNCTION_NAMES } from './names.generated.js';

interface Entry {
  name: string;
  sig: string;
  fn: (...args: any[]) => unknown;
  nondeterministic?: true;
  builtin?: true;
}

/** Names ESO removes from sprig's map. */
export const REMOVED = new Set(['env', 'expandenv', 'getHostByName']);

const BUILTIN_NAMES = new Set(builtinFuncs.map((e) => e.name));

/** A name's group, if a group (not only Go's builtins) defines it. */
function groupOf(name: string): GroupName | undefined {
  return FUNCTION_NAMES.get(name)?.[0];
}

/** True when a template may call `name` (the parse step's check). */
export function functionDefined(name: string): boolean {
  return BUILTIN_NAMES.has(name) || groupOf(name) !== undefined;
}

/** True when `name` is a non-deterministic function (now, rand*, uuidv4, genCA, bcrypt, ...). */
export function functionIsNondeterministic(name: string): boolean {
  return FUNCTION_NAMES.get(name)?.[1] === true;
}

const loaded = new Map<GroupName, readonly Entry[]>();

/**
 * Loads the groups of every function among `names` (any words: those that are no function's name are
 * ignored), or every group. A template's functions must be loaded before it runs.
 */
export async function loadFunctionGroups(names: Iterable<string> | 'all'): Promise<void> {
  const want = new Set<GroupName>();
  if (names === 'all') for (const g of GROUP_ORDER) want.add(g);
  else
    for (const n of names) {
      const g = groupOf(n);
      if (g !== undefined) want.add(g);
    }
  for (const g of want) {
    if (loaded.has(g)) continue;
    loaded.set(g, await GROUP_LOADERS[g]());
    table = undefined;
  }
}

/** Every word of `text` that names a function: a superset of the names a template in it calls. */
export function functionNamesIn(text: string): Set<string> {
  const found = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) if (groupOf(m[0]) !== undefined) found.add(m[0]);
  return found;
}

/** The table of what is loaded; asking it for a function of a group not loaded is a programming error. */
class LoadedTable extends Map<string, Compiled> {
  override get(name: string): Compiled | undefined {
    const g = groupOf(name);
    if (g !== undefined && !loaded.has(g)) throw new Error('internal: a template function was used before its group was loaded');
    return super.get(name);
  }
}

function build(): Map<string, Compiled> {
  const m = new LoadedTable();
  const add = (e: Entry): void => {
    if (REMOVED.has(e.name)) return;
    m.set(e.name, compile(e.name, e.sig, e.fn, { builtin: !!e.builtin, nondeterministic: !!e.nondeterministic }));
  };
  for (const e of builtinFuncs) add(e);
  for (const g of GROUP_ORDER) for (const e of loaded.get(g) ?? []) add(e);
  return m;
}

let table: Map<string, Compiled> | undefined;

/** The function table of the groups loaded so far (rebuilt when a group is loaded). */
export function funcTable(): FuncTable {
  return (table ??= build());
}
