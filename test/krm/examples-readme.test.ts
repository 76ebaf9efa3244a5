// Every example in kustomize-examples/ runs through its real tool, by the commands its README.md shows:
// each line of a ```sh block is run as written (sh -c, from the README's folder, eso-render and the
// pinned kustomize on PATH) and its output compared with the file its comment names:
//   # → file   stdout is exactly the file
//   # ≡ file   stdout holds the same objects (order of keys and documents aside)
//   # not run: why   (the line has a test of its own elsewhere)
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, docs, examplesDir, readText, repoRoot, run, type Cli } from './support.js';

interface Line {
  readme: string;
  dir: string;
  command: string;
  mode: 'exact' | 'same' | 'not-run';
  target: string;
}

function readmes(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...readmes(p));
    else if (e === 'README.md') out.push(p);
  }
  return out.sort();
}

function commands(readme: string): Line[] {
  const lines: Line[] = [];
  for (const block of readText(readme).matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of block[1]!.split('\n')) {
      if (raw.trim() === '') continue;
      const m = /^(.*?)\s+#\s*(→|≡|not run:)\s*(.*)$/.exec(raw);
      if (!m) throw new Error(`${relative(repoRoot, readme)}: the line ${JSON.stringify(raw)} says neither "# → file", "# ≡ file" nor "# not run: why"`);
      const mode = m[2] === '→' ? 'exact' : m[2] === '≡' ? 'same' : 'not-run';
      lines.push({ readme: relative(examplesDir, readme), dir: dirname(readme), command: m[1]!, mode, target: m[3]! });
    }
  }
  return lines;
}

const all = readmes(examplesDir).flatMap(commands);
/** Objects as a sorted list of canonical JSON: the same set of objects regardless of order. */
const canon = (text: string) => docs(text).map((d) => JSON.stringify(d, Object.keys(flatKeys(d)).sort())).sort();
function flatKeys(o: unknown, acc: Record<string, true> = {}): Record<string, true> {
  if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) ((acc[k] = true), flatKeys(v, acc));
  return acc;
}

let cli: Cli;
beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => cli?.dispose());

describe('kustomize-examples: each README\'s commands, run as written', () => {
  it('every example folder with an expected output has a README whose commands produce each expected file', () => {
    const expectedFiles = (function walk(d: string): string[] {
      return readdirSync(d).flatMap((e) => {
        const p = join(d, e);
        return statSync(p).isDirectory() ? walk(p) : /^expected.*\.yaml$/.test(e) ? [p] : [];
      });
    })(examplesDir);
    const covered = new Set(all.filter((l) => l.mode !== 'not-run').map((l) => join(l.dir, l.target)));
    expect(expectedFiles.filter((f) => !covered.has(f)).map((f) => relative(examplesDir, f))).toEqual([]);
    // Each top-level example folder has a README.
    for (const e of readdirSync(examplesDir)) if (statSync(join(examplesDir, e)).isDirectory()) expect(existsSync(join(examplesDir, e, 'README.md')), e).toBe(true);
    // Not run here: the Argo CD install build (it needs the network), and lines another test runs as
    // written (the sealed example's render, compared with git by test/security/sealed-example.test.ts;
    // the platform facts, loaded through a RenderConfig by test/security/tenancy-docs.test.ts).
    expect(all.filter((l) => l.mode === 'not-run').map((l) => l.readme).sort()).toEqual(['argocd/README.md', 'platform-facts/README.md', 'sealed/README.md', 'sealed/README.md']);
  });

  it.each(all.filter((l) => l.mode !== 'not-run').map((l) => [`${l.readme}: ${l.command}`, l] as const))('%s', (_name, l) => {
    const r = run('sh', ['-c', l.command], { cwd: l.dir, env: cli.env });
    expect(r.stderr).not.toContain('[error]');
    expect(r.code).toBe(0);
    const want = readText(join(l.dir, l.target));
    if (l.mode === 'exact') expect(r.stdout).toBe(want);
    else expect(canon(r.stdout)).toEqual(canon(want));
  });

  it('docs/krm.md\'s table of examples shows the same commands as the READMEs', () => {
    const page = readText(join(repoRoot, 'docs', 'krm.md'));
    const rows = [...page.matchAll(/^\| `([^`|]+)\/` \| `([^`]+)`/gm)].map((m) => [m[1]!, m[2]!] as const);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const [folder, command] of rows) {
      const readme = readText(join(examplesDir, folder, 'README.md'));
      expect(readme, `${folder}: ${command}`).toContain(command);
    }
  });
});
