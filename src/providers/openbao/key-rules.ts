// What the openBao provider refuses in remote keys (docs/providers/openbao.md, "Keys it refuses"). Keys
// become OpenBao API paths (`/v1/<mount>/data/<key>`, `/v1/<mount>/<key>` on KV v1). ESO's OpenBao client
// formats them in with Sprintf (no path.Join), so a leading or trailing `/` would make an empty segment:
// refused, with every other empty segment, dot segment and encoded separator. `version` is a query
// parameter and `property` is read from the response. A find with a path is refused by the client
// (client.ts says why); the path itself must still be a canonical path.

import { keyMessage, pathProblem, type KeyProblem, type KeyRules } from '../../common/remote-keys.js';

export const openBaoKeyRules: KeyRules = {
  ref(ref) {
    const why = pathProblem(ref.key);
    return why ? [{ field: 'key', reason: keyMessage('key', ref.key, why, 'openBao') }] : [];
  },
  find(find) {
    const out: KeyProblem[] = [];
    if (find.path) {
      const why = pathProblem(find.path, { trailingSlash: true });
      if (why) out.push({ field: 'path', reason: keyMessage('find.path', find.path, why, 'openBao') });
    }
    return out;
  },
};
