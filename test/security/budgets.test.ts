// Bounded work (issue 14) through the real CLI: templates that loop, recurse, blow up or parse bombs,
// and input that is huge or holds millions of empty documents. Each must be a clean failure: exit 1 or
// 2, nothing on stdout, a message naming the resource and the field (or the limit), no V8 banner, and
// the process gone within the deadline plus 5 s. Measuring that a process has ended before a bound is a
// correctness check (it must not outlive its deadline), not a speed test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, semaphore } from '../faults/harness.js';

const DEADLINE_S = 4;
const BOUND_MS = (DEADLINE_S + 5) * 1000;

const store = `apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: {name: budget-fake}
spec:
  provider:
    fake:
      data:
        - {key: /k, value: 'value-of-k'}
`;

function externalSecret(template: string): string {
  return `${store}---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: bomb, namespace: budgets}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: budget-fake}
  target:
    template:
      data:
        out: ${JSON.stringify(template)}
  data:
    - {secretKey: v, remoteRef: {key: /k}}
`;
}

const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
for (let i = 1; i < 10; i++) {
  const name = String.fromCharCode(97 + i);
  laughs.push(`${name}: &${name} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
}

/** Template cases: the template, and what the message must name besides the resource and field. */
const templates: Record<string, [string, RegExp]> = {
  'a range over until 100000000': ['{{ range $i := until 100000000 }}x{{ end }}', /operation budget|deadline/],
  'a range over an integer': ['{{ range 100000000 }}{{ end }}', /operation budget|deadline/],
  'nested ranges': ['{{ range $i := until 100000 }}{{ range $j := until 100000 }}{{ $i }}{{ end }}{{ end }}', /operation budget|output budget|deadline/],
  'repeat 1000000000': ['{{ repeat 1000000000 "abcdefgh" }}', /output budget/],
  'repeat in a loop': ['{{ range until 100000 }}{{ repeat 100000 "abcdefgh" }}{{ end }}', /output budget|operation budget|deadline/],
  'a printf width': ['{{ printf "%999999999d" 1 }}', /output budget/],
  'define recursion through template': ['{{ define "a" }}{{ template "a" . }}{{ end }}{{ template "a" . }}', /template depth|operation budget/],
  'a define that calls itself twice': ['{{ define "t" }}{{ template "t" . }}{{ template "t" . }}{{ end }}{{ template "t" . }}', /template depth|operation budget|deadline/],
  'a fromYaml alias bomb (billion laughs)': [`{{ ${JSON.stringify(laughs.join('\n'))} | fromYaml | toJson }}`, /error calling fromYaml: too many aliases/],
  'fromJson of deep nesting': [`{{ ${JSON.stringify('['.repeat(100000) + ']'.repeat(100000))} | fromJson }}`, /error calling fromJson: nesting too deep/],
  'toJson of a self-merged dict': ['{{ $a := dict "x" .v }}{{ range until 64 }}{{ $a = dict "l" $a "r" $a }}{{ end }}{{ toJson $a }}', /operation budget|deadline/],
  'printing a self-merged dict': ['{{ $a := dict "x" .v }}{{ range until 64 }}{{ $a = merge (dict "l" $a) (dict "r" $a) }}{{ end }}{{ $a }}', /operation budget|deadline/],
  'appending to a list in a loop': ['{{ $l := list }}{{ range until 1000000 }}{{ $l = append $l $.v }}{{ end }}{{ len $l }}', /operation budget|deadline/],
  'a heavy regular expression': ['{{ range until 100000 }}{{ regexReplaceAll "(a|aa)*b" (repeat 100000 "a") "x" }}{{ end }}', /operation budget|output budget|deadline/],
  'genPrivateKey in a loop': ['{{ range until 1000 }}{{ genPrivateKey "rsa" | len }}{{ end }}', /operation budget|deadline/],
  'bcrypt in a loop': ['{{ range until 1000 }}{{ bcrypt $.v }}{{ end }}', /operation budget|deadline/],
};

const BANNER = /RangeError|Maximum call stack|FATAL ERROR|JavaScript heap|Allocation failed|\n\s+at .+:\d+:\d+/;
const limit = semaphore(3);

function expectCleanFailure(r: Awaited<ReturnType<typeof runCli>>): void {
  expect(r.killed, `killed after ${r.ms} ms\n${r.stderr}`).toBe(false);
  expect([1, 2], r.stderr).toContain(r.code);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(BANNER);
  expect(r.ms, r.stderr).toBeLessThan(BOUND_MS);
}

describe('bounded work: templates', () => {
  it.concurrent.each(Object.entries(templates))('%s: a clean failure naming the resource and field, within the deadline', async (_, [template, what]) => {
    const r = await limit(() => runCli(['render', '--deadline', `${DEADLINE_S}s`], externalSecret(template), {}, BOUND_MS + 20_000));
    expectCleanFailure(r);
    expect(r.stderr).toMatch(/ExternalSecret\/budgets\/bomb spec\.target\.template\.data\.out: could not apply template/);
    expect(r.stderr).toMatch(what);
  });

  it('a budget in the RenderConfig applies (spec.limits), shared by all templates of the run', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'budgets-'));
    const config = path.join(dir, 'config.yaml');
    writeFileSync(config, 'apiVersion: eso-render.dev/v1alpha1\nkind: RenderConfig\nmetadata: {name: small}\nspec:\n  limits: {templateOperations: 1000, templateOutputBytes: 100}\n');
    const run = (stream: string) => runCli(['render', '--config', config], stream, {}, BOUND_MS + 20_000);
    const loop = await run(externalSecret('{{ range until 2000 }}{{ end }}'));
    expectCleanFailure(loop);
    expect(loop.stderr).toContain('the template operation budget of 1000 is used up (raise spec.limits.templateOperations)');
    const out = await run(externalSecret('{{ repeat 101 "x" }}'));
    expectCleanFailure(out);
    expect(out.stderr).toContain('the template output budget of 100 bytes is used up (raise spec.limits.templateOutputBytes)');
    // 200 turns fit the budget once, not twice: the second ExternalSecret gets what the first left.
    const once = await run(externalSecret('{{ range until 200 }}{{ end }}'));
    expect(once.code, once.stderr).toBe(0);
    const second = externalSecret('{{ range until 200 }}{{ end }}').replace(store, '').replace('name: bomb', 'name: second');
    const twice = await run(`${externalSecret('{{ range until 200 }}{{ end }}')}---\n${second}`);
    expectCleanFailure(twice);
    expect(twice.stderr).toMatch(/ExternalSecret\/budgets\/second spec\.target\.template\.data\.out: .*operation budget of 1000/);
    expect(twice.stderr.match(/\[error\]/g)).toHaveLength(1);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('bounded work: values read from the backends', () => {
  it('spec.limits.fetchedBytes bounds the values of a run, every store together, and says what to raise', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'budgets-'));
    const config = path.join(dir, 'config.yaml');
    writeFileSync(config, 'apiVersion: eso-render.dev/v1alpha1\nkind: RenderConfig\nmetadata: {name: small}\nspec:\n  limits: {fetchedBytes: 16}\n');
    const es = (keys: string[]) => `${store.replace("- {key: /k, value: 'value-of-k'}", "- {key: /k, value: 'value-of-k'}\n        - {key: /j, value: 'value-of-j'}")}---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: two, namespace: budgets}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: budget-fake}
  data:
${keys.map((k, i) => `    - {secretKey: v${i}, remoteRef: {key: ${k}}}`).join('\n')}
`;
    // 10 bytes fit under 16; 20 do not. Without the config the default (64 MiB) lets both through.
    const one = await runCli(['render', '--config', config], es(['/k']), {}, BOUND_MS + 20_000);
    expect(one.code, one.stderr).toBe(0);
    const both = await runCli(['render', '--config', config], es(['/k', '/j']), {}, BOUND_MS + 20_000);
    expectCleanFailure(both);
    expect(both.stderr).toContain('the values read in this run exceed 16 bytes in total (the API server takes at most 1 MiB per Secret; raise spec.limits.fetchedBytes)');
    expect(both.stderr).not.toMatch(/value-of-[jk]/);
    const unbounded = await runCli(['render'], es(['/k', '/j']), {}, BOUND_MS + 20_000);
    expect(unbounded.code, unbounded.stderr).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('bounded work: input', () => {
  it('20 MB of empty documents: refused at the document limit', async () => {
    const r = await runCli(['render', '--deadline', `${DEADLINE_S}s`], '---\n'.repeat(5_000_000), {}, BOUND_MS + 20_000);
    expectCleanFailure(r);
    expect(r.stderr).toContain('<stdin>: the input holds more than 20000 YAML documents (spec.limits.documents)');
  });

  it('one huge document: refused at the size limit, nothing of it echoed', async () => {
    const huge = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge}\ndata:\n  k: "${'canary-huge-'.repeat(6_000_000)}"\n`;
    const r = await runCli(['render', '--deadline', `${DEADLINE_S}s`], huge, {}, BOUND_MS + 20_000);
    expectCleanFailure(r);
    expect(r.stderr).toContain('<stdin>: the input is larger than the limit of 67108864 bytes (spec.limits.inputBytes)');
    expect(r.stderr).not.toContain('canary-huge');
  });

  it('a KRM ResourceList larger than the limit: refused before parsing', async () => {
    const rl = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: huge}\n  data: {k: "${'x'.repeat(70_000_000)}"}\n`;
    const r = await runCli([], rl, {}, BOUND_MS + 20_000);
    expectCleanFailure(r);
    expect(r.stderr).toContain('the input is larger than the limit of 67108864 bytes (spec.limits.inputBytes)');
  });
});
