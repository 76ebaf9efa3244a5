// What the vault provider refuses in remote keys and find paths (docs/providers/vault.md, "Keys it
// refuses"). Keys become Vault API paths (`/v1/<mount>/data/<key>`, `/v1/<mount>/metadata/<key>`). ESO's
// Go client joins them with path.Join, which drops a leading or trailing `/`, so those are accepted (and
// dropped the same way); every other empty segment, dot segment and encoded separator is refused.
// `version` is a query parameter and `property` is read from the response: neither is part of the path.

import { keyMessage, pathProblem, type KeyProblem, type KeyRules } from '../../common/remote-keys.js';

const OPTS = { leadingSlash: true, trailingSlash: true };

export const vaultKeyRules: KeyRules = {
  ref(ref) {
    const why = pathProblem(ref.key, OPTS);
    return why ? [{ field: 'key', reason: keyMessage('key', ref.key, why, 'vault') }] : [];
  },
  find(find) {
    const out: KeyProblem[] = [];
    if (find.path) {
      const why = pathProblem(find.path, OPTS);
      if (why) out.push({ field: 'path', reason: keyMessage('find.path', find.path, why, 'vault') });
    }
    return out;
  },
};
