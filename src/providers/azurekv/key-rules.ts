// What the azurekv provider refuses in remote keys, versions and find paths (docs/providers/azurekv.md,
// "Keys it refuses"). A key `[secret/|cert/|key/]<name>` becomes the URL path `/secrets/<name>/<version>`
// (`/keys/…`, `/certificates/…`): the whole key must be canonical and the object name and version must be
// what Key Vault allows (letters, digits and `-`), so that no client or server normalisation can turn them
// into another path. `find.path` is honoured as a name prefix (ESO ignores it), so it is held to the
// same characters.

import { keyMessage, pathProblem, quote, type KeyProblem, type KeyRules } from '../../common/remote-keys.js';

const NAME = /^[0-9A-Za-z-]{1,127}$/;
const VERSION = /^[0-9A-Za-z-]{1,64}$/;
const NAME_PREFIX = /^[0-9A-Za-z-]*$/;

export const azurekvKeyRules: KeyRules = {
  ref(ref) {
    const out: KeyProblem[] = [];
    const why = pathProblem(ref.key);
    if (why) out.push({ field: 'key', reason: keyMessage('key', ref.key, why, 'azurekv') });
    else {
      const parts = ref.key.split('/');
      const name = parts.length > 1 ? parts[1]! : ref.key;
      if (parts.length > 1 && !['secret', 'cert', 'key'].includes(parts[0]!)) {
        out.push({ field: 'key', reason: `key ${quote(ref.key)}: ${quote(parts[0]!)} is not an object type (secret/, cert/ or key/); eso-render refuses it before any request` });
      } else if (!NAME.test(name)) {
        out.push({ field: 'key', reason: `key ${quote(ref.key)}: the object name ${quote(name)} is not a Key Vault name (letters, digits and '-', at most 127); eso-render refuses it before any request` });
      }
    }
    if (ref.version !== undefined && ref.version !== '' && !VERSION.test(ref.version)) {
      out.push({ field: 'version', reason: `version ${quote(ref.version)} is not a Key Vault object version (letters and digits); it becomes a URL path segment, so eso-render refuses it before any request` });
    }
    return out;
  },
  find(find) {
    if (find.path && !NAME_PREFIX.test(find.path)) {
      return [{ field: 'path', reason: `find.path ${quote(find.path)} is not a Key Vault name prefix (letters, digits and '-'); eso-render refuses it before any request` }];
    }
    return [];
  },
};
