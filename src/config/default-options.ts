// The configuration of a run given no RenderConfig: the defaults, relative to `baseDir`. Kept apart from
// renderconfig.ts (which reads every section of a RenderConfig) so that a run without `--config` does not
// load the readers of the sections it does not have.
import { defaultRenderOptions, type RenderOptions } from '../engine/types.js';
import type { LoadedRenderConfig } from './renderconfig.js';

export function freshOptions(baseDir: string): RenderOptions {
  return {
    ...defaultRenderOptions,
    platformStores: [],
    concurrency: { ...defaultRenderOptions.concurrency },
    delimiters: { ...defaultRenderOptions.delimiters },
    baseDir,
  };
}

/** What `loadRenderConfig(undefined, baseDir)` returns: the defaults, no problem, no extra resource. */
export function noRenderConfig(baseDir: string): LoadedRenderConfig {
  return { options: freshOptions(baseDir), problems: [], resources: [] };
}
