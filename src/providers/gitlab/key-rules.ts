// What the gitlab provider refuses in remote keys (docs/providers/gitlab.md, "Keys it refuses"). A key is
// a CI/CD variable's key, the last segment of `projects/<id>/variables/<key>` and
// `groups/<id>/variables/<key>`. GitLab keys have only letters, digits and `_` (at most 255); ESO turns
// each `-` into `_` first. So any other character is refused before the policy match and before any
// request: no separator, dot, percent sign or control character reaches a URL path. `find.path` is an
// error in ESO's provider, `find.tags` are compared locally, and `version` is not used.

import { quote, type KeyRules } from '../../common/remote-keys.js';

const VARIABLE_KEY = /^[A-Za-z0-9_-]{1,255}$/;

export const gitlabKeyRules: KeyRules = {
  ref(ref) {
    if (VARIABLE_KEY.test(ref.key)) return [];
    return [
      {
        field: 'key',
        reason: `key ${quote(ref.key)} is not a GitLab variable key: GitLab keys have only letters, digits and '_' (ESO turns '-' into '_'), at most 255; a key becomes a URL path segment, so eso-render refuses it before any request`,
      },
    ];
  },
  find() {
    return [];
  },
};
