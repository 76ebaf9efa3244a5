// dist/cli.js is an esbuild bundle (scripts/bundle.mjs): a run loads chunks, not one file per module.
// The modules the loaded files hold, from dist/bundle-inputs.json (a file not in the bundle stays as is).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function expandChunks(root, loaded) {
  const dist = path.join(root, 'dist');
  const file = path.join(dist, 'bundle-inputs.json');
  const inputs = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const map = new Map(Object.entries(inputs).map(([out, ins]) => [path.join(dist, out), ins.map((i) => path.resolve(root, i))]));
  return loaded.flatMap((u) => {
    const f = u.startsWith('file:') ? fileURLToPath(u) : u;
    return map.get(f) ?? [f];
  });
}
