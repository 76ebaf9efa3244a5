// What `generate` (the shared Argo CD sidecar) adds to the platform key and sealing rules: Argo CD shows
// every annotation unmasked, so without the platform key no digest of secret data may be printed
// (digest.ts leaves data-hash out; a rollout stamp is refused here and in the engine), and sealing is the
// platform's to configure. An Application may only turn sealing off, and not when the platform requires it.
import type { RenderOptions } from '../engine/types.js';
import { digestKey, PLATFORM_KEY_SETTING } from '../engine/digest.js';
import type { GenerateSettings } from './cmp-settings.js';

/** Applies the app's `seal` wish; returns why the run is refused, if it is. */
export function applyGenerateDigestRules(options: RenderOptions, settings: Pick<GenerateSettings, 'seal'>): string | undefined {
  if (settings.seal === true && !options.seal) {
    return 'parameter "seal": the platform configuration (ESO_RENDER_CONFIG) has no spec.seal, so there is no certificate to seal for';
  }
  if (settings.seal === false && options.seal) {
    if (options.seal.required) return 'parameter "seal": the platform requires sealing (spec.seal.required: true); an Application cannot turn it off';
    delete options.seal;
  }
  if (options.rolloutOnChange && !digestKey(options)) {
    return `rollout-on-change needs the platform key in the shared sidecar (a checksum of secret data would be shown unmasked by Argo CD): set ${PLATFORM_KEY_SETTING} in the platform configuration`;
  }
  return undefined;
}
