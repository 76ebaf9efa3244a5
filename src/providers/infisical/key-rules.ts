// What the infisical provider refuses in remote keys (docs/providers/infisical.md, "Keys it refuses"). A
// key is `NAME`, `sub/NAME` (relative to the store's secretsPath) or `/folder/NAME` (absolute): the name
// becomes the last segment of `/api/v3/secrets/raw/<name>` and the folder the `secretPath` query, which
// Infisical resolves as a folder path. So the key must be a canonical path (one leading `/` allowed): no
// dot or empty segments, no encoded separators, backslashes, `?`, `#` or control characters, and a
// non-empty name. `version` is not sent (ESO's provider ignores it); `find.path` is compared with the
// listed secrets' paths locally and never sent.

import { keyMessage, pathProblem, type KeyProblem, type KeyRules } from '../../common/remote-keys.js';

export function infisicalKeyProblem(key: string): string | undefined {
  if (key === '') return 'no secret name (an empty key)';
  if (key.endsWith('/')) return "a trailing '/' (no secret name after the folder)";
  return pathProblem(key, { leadingSlash: true });
}

export const infisicalKeyRules: KeyRules = {
  ref(ref) {
    const out: KeyProblem[] = [];
    const why = infisicalKeyProblem(ref.key);
    if (why) out.push({ field: 'key', reason: keyMessage('key', ref.key, why, 'infisical') });
    return out;
  },
  find() {
    return [];
  },
};
