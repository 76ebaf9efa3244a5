// What the bitwardensecretsmanager provider refuses in references (docs/providers/bitwarden.md, "Keys").
// A key never becomes part of a URL: an id travels in a JSON body (`{"id": "<key>"}`) and a name is
// compared with the names the SDK server lists, so any text is read literally and nothing is refused.
// A `find` is another matter: ESO's provider ignores every find selector and returns every secret of the
// organization, so a `find.path` would not confine it to what a policy rule's key pattern allows (the
// policy requires such a path); it is refused before any request, and the policy then refuses the find.

import type { KeyProblem, KeyRules } from '../../common/remote-keys.js';

export const bitwardenKeyRules: KeyRules = {
  ref() {
    return [];
  },
  find(find) {
    const out: KeyProblem[] = [];
    if (find.path !== undefined) {
      out.push({
        field: 'path',
        reason: 'ESO\'s Bitwarden provider ignores find.path (and find.name and find.tags) and returns every secret of the organization, keyed by id; eso-render refuses a path that would not confine it. Drop the path to read the whole organization, or use data[] keys',
      });
    }
    return out;
  },
};
