// Differential test of the template engine against Go: test/template-reference/main.go (Go's
// text/template + Debian's sprig, with ESO's function-map changes and sprig 3.3's htpasswd from
// test/template-reference/sprig33/) renders every case of
// test/template-corpus/*.yaml in one process, and our engine must give the same bytes (or the same
// error class) case by case. Cases with `expect` are also checked against that hand-written result,
// which is all that runs for cases the reference cannot render (`goDiffers`). A reference that cannot be
// built or run fails every case that needs it (never a skip); Go itself comes from the global setup.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { TemplateError, executeTemplate } from '../src/template/index.js';

interface Expectation {
  output?: string;
  outputBase64?: string;
  error?: 'parse' | 'exec';
  message?: string;
}

interface Case {
  name: string;
  key?: string;
  template: string;
  data?: Record<string, string>;
  dataBase64?: Record<string, string>;
  options?: { leftDelim?: string; rightDelim?: string; missingKey?: 'error' | 'default' };
  expect?: Expectation;
  /** go (default): same bytes as Go; shape: same skeleton (random output); none: same success/error class. */
  compare?: 'go' | 'shape' | 'none';
  /** Why Debian's Go 1.19/sprig 3.2.3 cannot be the reference here (then `expect` is required). */
  goDiffers?: string;
}

interface Outcome {
  output?: Buffer;
  error?: { kind: string; message: string };
}

const here = fileURLToPath(new URL('.', import.meta.url));
const corpusDir = join(here, 'template-corpus');
const referenceSrc = join(here, 'template-reference');

function loadCorpus(): Case[] {
  const cases: Case[] = [];
  const seen = new Set<string>();
  for (const f of readdirSync(corpusDir).filter((n) => n.endsWith('.yaml')).sort()) {
    const doc = parseYaml(readFileSync(join(corpusDir, f), 'utf8')) as Case[] | { cases: Case[] } | null;
    const list = Array.isArray(doc) ? doc : (doc?.cases ?? []);
    for (const c of list) {
      const name = `${f.replace(/\.yaml$/, '')}/${c.name}`;
      if (seen.has(name)) throw new Error(`duplicate corpus case ${name}`);
      seen.add(name);
      cases.push({ ...c, name, template: String(c.template ?? '') });
    }
  }
  return cases;
}

let workDir: string | undefined;

/** Build the reference once and render the whole corpus in one process. */
function runReference(cases: Case[]): Map<string, Outcome> | string {
  // Go and the Debian packages are installed (or the run failed) by the global setup: test/setup/tools.ts.
  workDir = mkdtempSync(join(tmpdir(), 'eso-template-ref-'));
  const pkgDir = join(workDir, 'src', 'esoref');
  // The main package and its sprig33 subpackage (import path esoref/sprig33 in GOPATH mode).
  cpSync(referenceSrc, pkgDir, { recursive: true });
  const bin = join(workDir, 'esoref');
  const env = {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: `/usr/share/gocode:${workDir}`,
    // A build cache that outlives the run keeps repeated local runs fast; CI starts empty either way.
    GOCACHE: join(tmpdir(), 'eso-render-template-ref-gocache'),
    GOFLAGS: '',
  };
  try {
    execFileSync('go', ['build', '-o', bin, '.'], { cwd: pkgDir, env, stdio: 'pipe', timeout: 300_000 });
  } catch (e) {
    return `building the Go reference failed: ${(e as { stderr?: Buffer }).stderr?.toString() ?? e}`;
  }
  const input = JSON.stringify(
    cases.map((c) => ({
      name: c.name,
      key: c.key,
      template: c.template,
      data: c.data ?? {},
      dataBase64: c.dataBase64 ?? {},
      options: c.options,
    })),
  );
  const out = execFileSync(bin, [], { input, maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });
  const results = JSON.parse(out.toString()) as { name: string; output?: string; error?: Outcome['error'] }[];
  const m = new Map<string, Outcome>();
  for (const r of results)
    m.set(r.name, r.error ? { error: r.error } : { output: Buffer.from(r.output ?? '', 'base64') });
  return m;
}

function ours(c: Case): Outcome {
  const data = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(c.data ?? {})) data.set(k, Buffer.from(String(v), 'utf8'));
  for (const [k, v] of Object.entries(c.dataBase64 ?? {})) data.set(k, Buffer.from(v, 'base64'));
  const opts = {
    leftDelim: c.options?.leftDelim || '{{',
    rightDelim: c.options?.rightDelim || '}}',
    missingKey: c.options?.missingKey ?? 'error',
  };
  try {
    return { output: Buffer.from(executeTemplate(c.key ?? 'key', c.template, data, opts)) };
  } catch (e) {
    // A function's own (Go-worded) error is never shown to users; the corpus's expected messages are checked against it.
    if (e instanceof TemplateError) return { error: { kind: e.kind, message: e.extra.internalDetail !== undefined ? `${e.message} | error calling ${e.extra.func}: ${e.extra.internalDetail}` : e.message } };
    return { error: { kind: 'crash', message: String((e as Error)?.stack ?? e) } };
  }
}

/** Random output compared by skeleton: runs of base64/alphanumeric characters become one X. */
function shape(b: Buffer): string {
  return b
    .toString('latin1')
    .replace(/[A-Za-z0-9+/=_-]+/g, 'X')
    .replace(/(X\n)+/g, 'X\n');
}

function describeOutcome(o: Outcome): string {
  return o.error ? `${o.error.kind} error: ${o.error.message}` : `output ${JSON.stringify(o.output!.toString('latin1'))}`;
}

function checkExpect(c: Case, got: Outcome): string | null {
  const e = c.expect!;
  if (e.error) {
    if (!got.error) return `expected a ${e.error} error, got ${describeOutcome(got)}`;
    if (got.error.kind !== e.error) return `expected a ${e.error} error, got ${describeOutcome(got)}`;
    if (e.message && !got.error.message.includes(e.message)) return `error message lacks ${JSON.stringify(e.message)}: ${got.error.message}`;
    return null;
  }
  const want = e.outputBase64 !== undefined ? Buffer.from(e.outputBase64, 'base64') : Buffer.from(e.output ?? '', 'utf8');
  if (got.error) return `expected output ${JSON.stringify(want.toString('latin1'))}, got ${describeOutcome(got)}`;
  if (!got.output!.equals(want)) return `expected output ${JSON.stringify(want.toString('latin1'))}, got ${describeOutcome(got)}`;
  return null;
}

function checkGo(c: Case, got: Outcome, ref: Outcome): string | null {
  if (ref.error) {
    if (ref.error.kind === 'panic') return `the reference panicked: ${ref.error.message}`;
    if (!got.error) return `Go fails (${ref.error.kind}: ${ref.error.message}) but we give ${describeOutcome(got)}`;
    if (got.error.kind !== ref.error.kind) return `Go: ${ref.error.kind} error (${ref.error.message}); we: ${describeOutcome(got)}`;
    // Wording is not asserted (Go's own wording changed across versions); list differences on request.
    if (process.env.TEMPLATE_DIFF_MESSAGES && got.error.message !== ref.error.message)
      console.log(`message differs for ${c.name}:\n  go: ${ref.error.message}\n  we: ${got.error.message}`);
    return null;
  }
  if (got.error) return `Go gives output ${JSON.stringify(ref.output!.toString('latin1'))}; we: ${describeOutcome(got)}`;
  const mode = c.compare ?? 'go';
  if (mode === 'none') return null;
  if (mode === 'shape') {
    return shape(got.output!) === shape(ref.output!)
      ? null
      : `shape differs: Go ${JSON.stringify(ref.output!.toString('latin1'))}, we ${JSON.stringify(got.output!.toString('latin1'))}`;
  }
  return got.output!.equals(ref.output!)
    ? null
    : `Go ${JSON.stringify(ref.output!.toString('latin1'))}, we ${JSON.stringify(got.output!.toString('latin1'))}`;
}

const corpus = loadCorpus();
const reference = runReference(corpus);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('template engine vs Go text/template + sprig', () => {
  it('has a corpus of at least 400 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(400);
  });

  it('the Go reference builds and renders the whole corpus', () => {
    expect(typeof reference === 'string' ? reference : '').toBe('');
    expect(typeof reference !== 'string' && reference.size).toBe(corpus.length);
  });

  for (const c of corpus) {
    const needsGo = !c.goDiffers;
    it(c.name, () => {
      const got = ours(c);
      const problems: string[] = [];
      if (c.goDiffers && !c.expect) problems.push('goDiffers needs a hand-written expect');
      if (c.expect) {
        const p = checkExpect(c, got);
        if (p) problems.push(`expect: ${p}`);
      }
      if (needsGo && typeof reference === 'string') problems.push(`go: the Go reference is unavailable: ${reference}`);
      if (needsGo && typeof reference !== 'string') {
        const ref = reference.get(c.name);
        if (!ref) problems.push('no reference result');
        else {
          const p = checkGo(c, got, ref);
          if (p) problems.push(`go: ${p}`);
        }
      }
      expect(problems.join('\n'), c.name).toBe('');
    });
  }
});
