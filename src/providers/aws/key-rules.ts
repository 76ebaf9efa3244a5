// What the aws provider refuses (docs/providers/aws.md, "Keys it refuses"). Secrets Manager and Parameter
// Store take keys in a JSON body, never in a URL path, so dot segments mean nothing to them. A find path
// does go into a filter: Secrets Manager reads a value starting with `!` as a negation ("every name NOT
// starting with"), which would turn a find confined under a prefix into one over everything else.

import { quote, type KeyProblem, type KeyRules } from '../../common/remote-keys.js';

export const awsKeyRules: KeyRules = {
  ref() {
    return [];
  },
  find(find) {
    const out: KeyProblem[] = [];
    if (find.path && find.path.startsWith('!')) {
      out.push({ field: 'path', reason: `find.path ${quote(find.path)} starts with '!', which Secrets Manager reads as a negation filter; eso-render refuses it before any request` });
    }
    return out;
  },
};
