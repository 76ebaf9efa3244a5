// What the onepassword provider refuses in remote keys (docs/providers/onepassword.md, "Keys it refuses").
// A key is a 1Password item id (26 lower-case letters and digits), which becomes a URL path segment, or an
// item title, which becomes part of the Connect filter `title eq "<key>"` in the query. So a key must not
// hold a quote, backslash or control character (it could end the filter's string and add a condition), and
// must not be empty. `find.path` is compared with titles locally and never sent; `version` is refused by
// the provider with ESO's wording.

import { quote, type KeyProblem, type KeyRules } from '../../common/remote-keys.js';
import { UNSAFE_FILTER_TEXT } from './store-config.js';

export const onepasswordKeyRules: KeyRules = {
  ref(ref) {
    const out: KeyProblem[] = [];
    if (ref.key === '' || UNSAFE_FILTER_TEXT.test(ref.key)) {
      out.push({
        field: 'key',
        reason: `key ${quote(ref.key)} is empty or has a quote, backslash or control character; a 1Password item title becomes part of a Connect filter (title eq "<key>"), so eso-render refuses it before any request`,
      });
    }
    return out;
  },
  find() {
    return [];
  },
};
