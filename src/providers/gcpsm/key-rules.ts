// What the gcpsm provider refuses in remote keys, versions and find filters (docs/providers/gcpsm.md,
// "Keys it refuses"). A key becomes part of a resource name (`projects/<p>/secrets/<key>/versions/<v>`)
// that Google's front ends map onto URL paths, so it must be one secret ID (letters, digits, `-`, `_`,
// as Secret Manager allows) or a full resource name of a secret; the version one version ID or alias.
// `find.path` is put into a list filter (`name:<path>`) and `find.tags` into `labels.<k>=<v>` terms, so
// they are held to the ID and label character sets: nothing else can change what the filter means.

import { keyMessage, pathProblem, quote, type KeyProblem, type KeyRules } from '../../common/remote-keys.js';

const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
/** A full secret resource name; project IDs may be domain-scoped (`example.com:proj`). */
const FULL_NAME = /^projects\/[A-Za-z0-9][A-Za-z0-9.:_-]*(?:\/locations\/[a-z0-9-]+)?\/secrets\/[A-Za-z0-9_-]{1,255}$/;
const VERSION = /^[A-Za-z0-9_-]{1,255}$/;
const ID_PREFIX = /^[A-Za-z0-9_-]*$/;
const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

export const gcpsmKeyRules: KeyRules = {
  ref(ref) {
    const out: KeyProblem[] = [];
    const why = pathProblem(ref.key);
    if (why) out.push({ field: 'key', reason: keyMessage('key', ref.key, why, 'gcpsm') });
    else if (!SECRET_ID.test(ref.key) && !FULL_NAME.test(ref.key)) {
      out.push({
        field: 'key',
        reason: `key ${quote(ref.key)} is neither a Secret Manager secret ID (letters, digits, '-' and '_', at most 255) nor a secret's resource name projects/<project>[/locations/<location>]/secrets/<id>; eso-render refuses it before any request`,
      });
    }
    if (ref.version !== undefined && ref.version !== '' && !VERSION.test(ref.version)) {
      out.push({ field: 'version', reason: `version ${quote(ref.version)} is not a Secret Manager version ID or alias (letters, digits, '-' and '_'); eso-render refuses it before any request` });
    }
    return out;
  },
  find(find) {
    const out: KeyProblem[] = [];
    if (find.path && !ID_PREFIX.test(find.path)) {
      out.push({ field: 'path', reason: `find.path ${quote(find.path)} is not a secret ID prefix (letters, digits, '-' and '_'); it becomes part of the list filter, so eso-render refuses it before any request` });
    }
    for (const [k, v] of Object.entries(find.tags ?? {})) {
      if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(v)) {
        out.push({ field: `tags.${k}`, reason: `tag ${quote(k)} is not a Secret Manager label (lowercase letters, digits, '-' and '_'); it becomes part of the list filter, so eso-render refuses it before any request` });
      }
    }
    return out;
  },
};
