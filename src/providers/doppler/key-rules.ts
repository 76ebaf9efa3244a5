// What the doppler provider refuses in remote keys (docs/providers/doppler.md, "Keys it refuses"). A key is
// a Doppler secret name and goes into the download's `secrets` query parameter, which Doppler reads as a
// comma-separated list: a key with a comma would ask for several secrets, so it is refused, as are empty
// keys and keys with a control character. No key is ever part of the URL path (the path is a constant);
// `find.path` is compared with names locally and never sent.

import { quote, type KeyProblem, type KeyRules } from '../../common/remote-keys.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/** Why `key` cannot be a Doppler secret name in a request, or undefined. */
export function dopplerKeyProblem(key: string): string | undefined {
  if (key === '' || key.includes(',') || CONTROL.test(key)) {
    return `key ${quote(key)} is empty or has a comma or control character; a Doppler secret name goes into the download's comma-separated secrets parameter, so eso-render refuses it before any request`;
  }
  return undefined;
}

export const dopplerKeyRules: KeyRules = {
  ref(ref) {
    const reason = dopplerKeyProblem(ref.key);
    const out: KeyProblem[] = [];
    if (reason) out.push({ field: 'key', reason });
    return out;
  },
  find() {
    return [];
  },
};
