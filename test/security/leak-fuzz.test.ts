// Leak fuzzer (issue 14): every function of the template engine (enumerated from its function table, so
// a new function is covered without editing this file) is called with arguments built from canary data
// (raw, upper/lower/title, reversed, substrings, with quotes and backslashes, one and two characters,
// JSON and YAML wrapped, base64 and hex), in calls that mostly fail, plus templates read from a Secret
// (whose text is data), KeysAndValues and rewrite keys made from data. Each stream goes through
// `render` (text and JSON logs), the KRM function and `generate` (text and JSON logs). No canary, no
// transformed canary and no 4-character piece of one may appear in stderr or in the KRM results.
//
// The generator is seeded: LEAK_FUZZ_SEED=<n> repeats a run; a failure prints its seed.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { funcTable } from '../../src/template/funcs/index.js';
import { runCli, semaphore } from '../faults/harness.js';
import { seededRandom as prng } from '../../src/testing/seeded-random.test-helper.js';

const SEED = Number(process.env['LEAK_FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));

const rand = prng(SEED);
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

// Letters and digits alternate, from letters that are no hex digit: no 4-character piece of a canary
// (in any case) can be an English word, a number or a hash that messages hold for their own reasons.
const LETTERS = 'ghjkmnpqrtvwxyzGHJKMNPQRTVWXYZ';
const DIGITS = '23456789';
function canary(len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += i % 2 === 0 ? pick([...LETTERS]) : pick([...DIGITS]);
  return s;
}

const RAW = canary(14);
const PW = canary(12);
const PORT = canary(6);
const QUOTED = `${canary(4)}"${canary(3)}\\${canary(3)}'${canary(4)}`;
const SHORT1 = 'ꙮ';
const SHORT2 = 'ᛟᚠ';
const KEYNAME = canary(10);

/** The backend's values, by key (the fake store), and the names templates read them by. */
const values: Record<string, string> = {
  c_raw: RAW,
  c_quote: QUOTED,
  c_short1: SHORT1,
  c_short2: SHORT2,
  c_json: JSON.stringify({ user: RAW, pw: PW, port: PORT, nested: { deep: [RAW, PW] } }),
  c_yaml: `pw: ${PW}\nlist: [${RAW}, "${QUOTED.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"]\nbad: [${PW}`,
  c_b64: Buffer.from(RAW).toString('base64'),
  c_hex: Buffer.from(RAW).toString('hex'),
  c_url: `https://user:${PW}@h${RAW}.example:${PORT}/p?q=${RAW}`,
  c_pem: `-----BEGIN CERTIFICATE-----\n${Buffer.from(RAW + PW).toString('base64')}\n-----END CERTIFICATE-----\n`,
  c_keyjson: JSON.stringify({ [KEYNAME]: RAW, [PW]: { a: 1 } }),
};

/** Every form in which a canary must not appear. */
function forbidden(): string[] {
  const out = new Set<string>();
  const long = [RAW, PW, PORT, KEYNAME, QUOTED];
  for (const c of long) {
    const variants = [c, c.toUpperCase(), c.toLowerCase(), [...c].reverse().join(''), JSON.stringify(c).slice(1, -1)];
    for (const v of variants) for (let i = 0; i + 4 <= v.length; i++) out.add(v.slice(i, i + 4));
    out.add(Buffer.from(c).toString('base64').slice(0, 8));
    out.add(Buffer.from(c).toString('hex').slice(0, 8));
  }
  for (const s of [SHORT1, SHORT2]) {
    for (const ch of s) {
      out.add(ch);
      out.add(`\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
      out.add(Buffer.from(ch).toString('hex').replace(/(..)/g, '\\x$1'));
    }
  }
  return [...out];
}
const FORBIDDEN = forbidden();

function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  return FORBIDDEN.filter((f) => lower.includes(f.toLowerCase()));
}

// ---- the templates ----------------------------------------------------------------------------------

/** Template expressions that evaluate to canary data, raw or transformed. */
const ARGS = [
  '.c_raw', '$.c_raw', '(.c_raw | upper)', '(.c_raw | lower)', '(.c_raw | title)', '(.c_raw | substr 2 9)', '(.c_raw | trunc 5)',
  '(.c_raw | splitList "" | reverse | join "")', '.c_quote', '(.c_quote | quote)', '(printf "%q" .c_quote)', '.c_short1', '.c_short2',
  '(.c_json | fromJson)', '(.c_json | fromJson).pw', '(.c_json | fromJson).nested', '(.c_yaml | fromYaml)', '.c_yaml', '.c_b64',
  '(.c_raw | b64enc)', '.c_hex', '(list .c_raw .c_quote)', '(dict "k" .c_raw "p" .c_short2)', '.c_url', '(.c_url | urlParse)',
  '.c_pem', '(.c_raw | toJson)', '(cat .c_raw .c_short1)', '.c_keyjson', '(.c_raw | b64dec)', '.',
];
/** Other arguments, so that calls of every arity and argument type happen. */
const OTHER = ['3', '-1', '0', '"x"', 'nil', 'true', '2.5'];
/** Functions that are slow when they succeed: only called with data strings (they fail on types or arity). */
const SLOW = /^(gen|bcrypt|htpasswd|derivePassword|pemToPkcs12|fullPemToPkcs12|pemTruststoreToPKCS12|pkcs12)/;

function arg(slow: boolean): string {
  return slow || rand() < 0.8 ? pick(ARGS) : pick(OTHER);
}

function templatesFor(name: string): string[] {
  const slow = SLOW.test(name);
  const out: string[] = [];
  for (let k = 0; k < 2; k++) {
    const arity = slow ? 3 + k : Math.floor(rand() * 4);
    const args = Array.from({ length: arity }, () => arg(slow));
    const shape = slow ? 0 : Math.floor(rand() * 3);
    if (shape === 0) out.push(`{{ ${name} ${args.join(' ')} }}`);
    else if (shape === 1) out.push(`{{ ${arg(false)} | ${name} ${args.join(' ')} }}`);
    // A call that works passes its result on to fail: a message computed from data.
    else out.push(`{{ ${name} ${args.join(' ')} | fail }}`);
  }
  return out;
}

const NS = 'fuzz';
const STORE = 'fuzz-fake';

function es(name: string, target: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: NS },
    spec: {
      secretStoreRef: { kind: 'ClusterSecretStore', name: STORE },
      target,
      data: Object.keys(values).map((k) => ({ secretKey: k, remoteRef: { key: `/${k}` } })),
      ...extra,
    },
  };
}

function stream(): { docs: Record<string, unknown>[]; calls: number } {
  const docs: Record<string, unknown>[] = [
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: STORE },
      spec: { provider: { fake: { data: Object.entries(values).map(([k, v]) => ({ key: `/${k}`, value: v })) } } },
    },
  ];
  let n = 0;
  const names = [...funcTable().keys()].sort();
  for (const name of names) {
    for (const t of templatesFor(name)) docs.push(es(`f${n++}`, { template: { data: { out: t } } }));
  }
  // A template read from a Secret is data: a canary in its text (a key name, a literal, a parse error).
  const secretTemplates: Record<string, string> = {
    'missing.tmpl': `{{ .${KEYNAME} }}`,
    'literal.tmpl': `{{ fail "${RAW}" }}`,
    'parse.tmpl': `{{ .c_raw | ${KEYNAME}-${PW} }}`,
    'undefined.tmpl': `{{ $${KEYNAME} }}`,
    'define.tmpl': `{{ template "${KEYNAME}" . }}`,
    'kv.tmpl': `${KEYNAME}: {{ .c_raw }}\n${PW}: [nested]`,
  };
  docs.push({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'tpl', namespace: NS },
    stringData: secretTemplates,
  });
  for (const [key] of Object.entries(secretTemplates)) {
    const item = { key, ...(key === 'kv.tmpl' ? { templateAs: 'KeysAndValues' } : {}) };
    docs.push(es(`s-${key.replace('.', '-')}`, { template: { templateFrom: [{ secret: { name: 'tpl', items: [item] } }] } }));
  }
  // KeysAndValues whose keys and values come from data.
  docs.push(es('kv-nested', { template: { templateFrom: [{ literal: '{{ .c_raw }}: {{ .c_json }}\n{{ .c_short2 }}: [x]' }] } }));
  docs.push(es('kv-decode', { template: { templateFrom: [{ literal: '{{ .c_raw }}: "{{ .c_quote | squote }}"', valuesDecodingStrategy: 'Base64' }] } }));
  // Rewrites over keys that came from the backend (an extract's JSON properties).
  const extract = (rewrite: unknown[]) => ({ dataFrom: [{ extract: { key: '/c_keyjson' }, rewrite }] });
  docs.push(es('rw-transform', {}, extract([{ transform: { template: '{{ .value | upper | fail }}' } }])));
  docs.push(es('rw-transform-fn', {}, extract([{ transform: { template: '{{ .value | semver }}' } }])));
  docs.push(es('rw-merge', {}, extract([{ merge: { strategy: 'JSON', into: 'all' } }])));
  docs.push(es('rw-regexp', {}, extract([{ regexp: { source: '(', target: 'x' } }])));
  for (const d of docs.slice(1)) {
    const spec = (d as { spec?: Record<string, unknown> }).spec;
    if (spec && Array.isArray(spec['dataFrom'])) delete spec['data'];
  }
  return { docs, calls: n };
}

// ---- the runs -----------------------------------------------------------------------------------------

const { docs, calls } = stream();
const yamlStream = docs.map((d) => JSON.stringify(d)).join('\n---\n') + '\n';
const work = mkdtempSync(path.join(tmpdir(), 'leak-fuzz-'));
// The fuzzer is about what errors say, not about budgets: a budget large enough for every call.
// spec.unmasked: generate renders computed keys and templated metadata as ESO does, so every template path runs.
const configText = 'apiVersion: eso-render.dev/v1alpha1\nkind: RenderConfig\nmetadata: {name: fuzz}\nspec:\n  deadline: 120s\n  limits: {templateOperations: 1000000000000}\n  unmasked: {allowTemplatedMetadata: true, allowComputedKeys: true}\n';
const configPath = path.join(work, 'config.yaml');
writeFileSync(configPath, configText);
const appDir = path.join(work, 'app');
mkdirSync(appDir);
writeFileSync(path.join(appDir, 'manifests.yaml'), yamlStream);
// LEAK_FUZZ_KEEP=1 keeps the stream and configuration (for a failure's seed) in the folder it names.
afterAll(() => (process.env['LEAK_FUZZ_KEEP'] ? console.log(`leak fuzzer files: ${work}`) : rmSync(work, { recursive: true, force: true })));

const limit = semaphore(2);
const KILL_MS = 150_000;
// Generous for a loaded 2-core machine: a KRM run of the whole stream takes about 5 s of CPU.
const TIMEOUT = 180_000;

function generateEnv(logFormat: 'text' | 'json'): Record<string, string> {
  return {
    ARGOCD_APP_NAME: 'fuzz',
    ARGOCD_APP_NAMESPACE: NS,
    ARGOCD_APP_PROJECT_NAME: 'default',
    ARGOCD_APP_SOURCE_PATH: '.',
    ESO_RENDER_CONFIG: configPath,
    ESO_RENDER_LOG_FORMAT: logFormat,
  };
}

function check(where: string, text: string, errorLines: number): void {
  const found = leaks(text);
  expect(found, `${where} (LEAK_FUZZ_SEED=${SEED}): canary pieces ${found.join(', ')} in:\n${text.split('\n').filter((l) => leaks(l).length).slice(0, 5).join('\n')}`).toEqual([]);
  // The calls did fail, and were reported: this is not a run that stopped early.
  expect(errorLines, `${where}: too few errors reported`).toBeGreaterThan(calls / 3);
}

describe(`leak fuzzer (seed ${SEED}, ${calls} calls of ${funcTable().size} functions)`, () => {
  it.concurrent.each(['text', 'json'] as const)('render --log-format %s: no canary in stderr', async (fmt) => {
    const r = await limit(() => runCli(['render', '--config', configPath, '--log-format', fmt], yamlStream, {}, KILL_MS));
    expect(r.code, r.stderr.slice(-2000)).toBe(1);
    expect(r.stdout).toBe('');
    const errors = fmt === 'json' ? r.stderr.split('\n').filter((l) => l.startsWith('{"level":"error"')).length : (r.stderr.match(/^\[error\]/gm) ?? []).length;
    check(`render ${fmt}`, r.stderr, errors);
  }, TIMEOUT);

  it.concurrent('KRM function: no canary in the results or stderr', async () => {
    const rl = { apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: docs, functionConfig: parseYaml(configText) };
    const r = await limit(() => runCli([], JSON.stringify(rl), {}, KILL_MS));
    expect(r.code, r.stderr.slice(-2000)).toBe(1);
    const out = parseYaml(r.stdout) as { results?: unknown[] };
    // The items are echoed unchanged on failure (they hold the store's data by design); the results must not.
    const results = JSON.stringify(out.results ?? []);
    check('krm results', results, (out.results ?? []).length);
    check('krm stderr', r.stderr, (r.stderr.match(/^\[error\]/gm) ?? []).length);
  }, TIMEOUT);

  it.concurrent.each(['text', 'json'] as const)('generate (log format %s): no canary in stderr', async (fmt) => {
    const r = await limit(() => runCli(['generate', appDir], '', generateEnv(fmt), KILL_MS));
    expect(r.code, r.stderr.slice(-2000)).toBe(1);
    expect(r.stdout).toBe('');
    const errors = fmt === 'json' ? r.stderr.split('\n').filter((l) => l.startsWith('{"level":"error"')).length : (r.stderr.match(/^\[error\]/gm) ?? []).length;
    check(`generate ${fmt}`, r.stderr, errors);
  }, TIMEOUT);

  it('the scanner finds what it looks for', () => {
    expect(leaks(`x ${RAW.slice(3, 7).toLowerCase()} y`)).not.toEqual([]);
    expect(leaks(`"${Buffer.from(RAW).toString('base64')}"`)).not.toEqual([]);
    expect(leaks('error calling semver: invalid version \\ua66e')).not.toEqual([]);
    expect(leaks('template: spec.target.template.data.out:1:3: error calling semver: invalid version')).toEqual([]);
  });
});
