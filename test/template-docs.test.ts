// Every example in docs/templates.md renders through the built CLI (dist/cli.js) as the page says.
// Fenced blocks are read in order by their info string:
//   ```yaml store         the fake ClusterSecretStore every example renders against (once, first)
//   ```yaml config        a RenderConfig passed with --config to the next `render` example
//   ```yaml render        an ExternalSecret to render
//   ```yaml output        the decoded `data` of the Secret it gives (every key, exact bytes)
//   ```yaml output match  the same, each value a regular expression the whole value must match
//   ```text error         the render fails (exit 1, nothing on stdout); each line appears on stderr
//   ```text warning       each line appears on stderr as a warning; no other warning is given
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { repoRoot, runCli } from './helpers/cli.js';

interface Example {
  name: string;
  line: number;
  render: string;
  config?: string;
  output?: Record<string, string>;
  match?: boolean;
  error?: string[];
  warning?: string[];
}

const page = readFileSync(join(repoRoot, 'docs', 'templates.md'), 'utf8');

function readExamples(): { store: string; examples: Example[] } {
  let store: string | undefined;
  let config: string | undefined;
  const examples: Example[] = [];
  const lines = (body: string) => body.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const m of page.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const info = m[1]!.trim();
    const body = m[2]!;
    const line = page.slice(0, m.index).split('\n').length;
    const last = examples[examples.length - 1];
    switch (info) {
      case 'yaml store':
        store = body;
        break;
      case 'yaml config':
        config = body;
        break;
      case 'yaml render': {
        const doc = parseYaml(body) as { metadata: { name: string } };
        examples.push({ name: doc.metadata.name, line, render: body, config });
        config = undefined;
        break;
      }
      case 'yaml output':
      case 'yaml output match':
        if (!last || last.output) throw new Error(`docs/templates.md:${line}: output without its example`);
        last.output = parseYaml(body) as Record<string, string>;
        last.match = info.endsWith('match');
        break;
      case 'text error':
        if (!last) throw new Error(`docs/templates.md:${line}: error without its example`);
        last.error = lines(body);
        break;
      case 'text warning':
        if (!last) throw new Error(`docs/templates.md:${line}: warning without its example`);
        last.warning = lines(body);
        break;
      default:
        if (/^yaml\b/.test(info) && info !== 'yaml') throw new Error(`docs/templates.md:${line}: unknown block ${info}`);
    }
  }
  if (!store) throw new Error('docs/templates.md has no `yaml store` block');
  return { store, examples };
}

const { store, examples } = readExamples();
const dir = mkdtempSync(join(tmpdir(), 'eso-template-docs-'));
const storeFile = join(dir, 'store.yaml');
writeFileSync(storeFile, store);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function decodedData(stdout: string): Record<string, string> {
  const secrets = parseAllDocuments(stdout)
    .map((d) => d.toJS() as { kind?: string; data?: Record<string, string> } | null)
    .filter((d) => d?.kind === 'Secret');
  expect(secrets).toHaveLength(1);
  const data = secrets[0]!.data ?? {};
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

describe('docs/templates.md examples', () => {
  it('has examples of every kind', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
    expect(examples.some((e) => e.config)).toBe(true);
    expect(examples.some((e) => e.error)).toBe(true);
    expect(examples.some((e) => e.warning)).toBe(true);
    for (const e of examples) expect(!!e.output !== !!e.error, `${e.name}: exactly one of output or error`).toBe(true);
  });

  for (const ex of examples) {
    it(`${ex.name} (line ${ex.line})`, async () => {
      const file = join(dir, `${ex.name}.yaml`);
      writeFileSync(file, ex.render);
      const args = ['render', '-f', storeFile, '-f', file];
      if (ex.config) {
        const cfg = join(dir, `${ex.name}.config.yaml`);
        writeFileSync(cfg, ex.config);
        args.push('--config', cfg);
      }
      const r = await runCli(args);
      if (ex.error) {
        expect(r.code, r.stderr).toBe(1);
        expect(r.stdout).toBe('');
        for (const l of ex.error) expect(r.stderr).toContain(l);
        return;
      }
      expect(r.code, r.stderr).toBe(0);
      const got = decodedData(r.stdout);
      expect(Object.keys(got).sort()).toEqual(Object.keys(ex.output!).sort());
      for (const [k, want] of Object.entries(ex.output!)) {
        if (ex.match) expect(got[k], k).toMatch(new RegExp(`^(?:${want})$`));
        else expect(got[k], k).toBe(want);
      }
      const warnings = r.stderr.split('\n').filter((l) => l.startsWith('[warning]'));
      expect(warnings.length, r.stderr).toBe(ex.warning?.length ?? 0);
      for (const l of ex.warning ?? []) expect(warnings.some((w) => w.includes(l)), `warning: ${l}\n${r.stderr}`).toBe(true);
    });
  }
});
