// dist/cli.js is an esbuild bundle (scripts/bundle.mjs): a run loads chunks, not one file per module.
// `expandChunks` turns the files a run loaded (one URL or path a line, from bench/lib/module-log.mjs) into
// the modules those files hold, as absolute paths (dist/frontends/stream.js, node_modules/yaml/...), using
// dist/bundle-inputs.json, so a test asserts which code was loaded, whatever the chunks are called.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './cli.js';

const dist = path.join(repoRoot, 'dist');
let map: Map<string, string[]> | undefined;

function bundleMap(): Map<string, string[]> {
  if (map) return map;
  const file = path.join(dist, 'bundle-inputs.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
  const inputs = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
  map = new Map(Object.entries(inputs).map(([out, ins]) => [path.join(dist, out), ins.map((i) => path.resolve(repoRoot, i))]));
  return map;
}

export function expandChunks(loaded: string[]): string[] {
  const m = bundleMap();
  return loaded.flatMap((u) => {
    const f = u.startsWith('file:') ? fileURLToPath(u) : u;
    return m.get(f) ?? [f];
  });
}
