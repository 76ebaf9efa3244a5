// An esbuild plugin for CommonJS bundles of dist/ (the single executable's, scripts/build-sea.mjs, and
// dist/cli-main.cjs, scripts/bundle.mjs). dist/common/lazy-packages.js loads re2js, node-forge and
// bcryptjs on first use through createRequire(import.meta.url), which esbuild cannot follow (and
// import.meta.url is empty in a CJS bundle). Its `load('<name>')` calls become plain `require('<name>')`
// calls: bundled, esbuild evaluates each package only when the call runs; external, node requires it then.
import { readFileSync } from 'node:fs';

export function lazyPackagesPlugin(die) {
  return {
    name: 'lazy-packages',
    setup(b) {
      b.onLoad({ filter: /[\\/]common[\\/]lazy-packages\.js$/ }, (args) => {
        const src = readFileSync(args.path, 'utf8');
        const decl = 'const load = createRequire(import.meta.url);';
        if (!src.includes(decl)) die(`${args.path}: no \`${decl}\` line to replace`);
        const contents = src
          .replace("import { createRequire } from 'node:module';", '')
          .replace(decl, '')
          .replace(/\bload\('([^']+)'\)/g, "require('$1')");
        if (/\bload\(/.test(contents)) die(`${args.path}: a load() call with no literal package name`);
        return { contents, loader: 'js' };
      });
    },
  };
}

/** The packages lazy-packages.js loads (kept external in dist/cli-main.cjs, as in dist/). */
export const lazyPackageNames = ['re2js', 'node-forge', 'bcryptjs'];
