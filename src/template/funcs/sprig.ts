// The sprig function table (every sprig name ESO's v2 engine offers except the crypto group, which
// lives in crypto*.ts): strings, conversions, maths, lists, dicts, defaults, JSON, regex, dates,
// paths, encodings, semver, URLs.

import { convFuncs } from './sprig-conv.js';
import { dateFuncs } from './sprig-dates.js';
import { defaultFuncs } from './sprig-defaults.js';
import { dictFuncs } from './sprig-dicts.js';
import { jsonFuncs } from './sprig-json.js';
import { listFuncs } from './sprig-lists.js';
import { mathFuncs } from './sprig-math.js';
import { miscFuncs } from './sprig-misc.js';
import { regexFuncs } from './sprig-regex.js';
import { stringFuncs } from './sprig-strings.js';
import type { FuncEntry } from './sprig-types.js';

export const sprigFuncs: FuncEntry[] = [
  ...dateFuncs,
  ...stringFuncs,
  ...convFuncs,
  ...mathFuncs,
  ...listFuncs,
  ...dictFuncs,
  ...defaultFuncs,
  ...jsonFuncs,
  ...regexFuncs,
  ...miscFuncs,
];
