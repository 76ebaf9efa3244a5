// Reading the manifest files a RenderConfig points at (storeFiles, resourceFiles): a file, or every
// YAML/JSON file directly inside a directory, in name order so runs are reproducible.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Item } from '../engine/types.js';
import { parseManifests } from '../frontends/stream.js';

const manifestExtensions = /\.(ya?ml|json)$/i;

export interface ManifestFile {
  /** Absolute path of the file read. */
  path: string;
  items: Item[];
}

/**
 * The manifest files at `relOrAbs` (resolved against `baseDir`). Throws an Error whose message says
 * which path was tried and why it could not be read; never includes the file's content.
 */
export function readManifestPath(relOrAbs: string, baseDir: string): ManifestFile[] {
  const abs = resolve(baseDir, relOrAbs);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new Error(`${relOrAbs} does not exist (resolved to ${abs})`);
  }
  const files = st.isDirectory()
    ? readdirSync(abs)
        .filter((n) => manifestExtensions.test(n))
        .sort()
        .map((n) => join(abs, n))
        .filter((p) => statSync(p).isFile())
    : [abs];
  return files.map((path) => {
    let text: Buffer;
    try {
      // Bytes, not 'utf8': input that is not UTF-8 must be reported, not silently replaced.
      text = readFileSync(path);
    } catch (e) {
      throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    try {
      return { path, items: parseManifests(text, path) };
    } catch (e) {
      // Only the first line: YAML parse errors quote the offending source lines after it.
      const reason = String((e as Error).message).split('\n')[0];
      throw new Error(`${path} is not a valid manifest stream: ${reason}`);
    }
  });
}
