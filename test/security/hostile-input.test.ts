// Hostile input through the real CLI: a clean error naming the place, never a stack trace, never partial
// output, and never an echo of the input (which may hold secrets).
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const canary = 'CANARY-hostile-7f3a';

const cases: Record<string, string | Buffer> = {
  'malformed YAML': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\ndata: {k: ${canary}}\n`,
  'malformed JSON': `{"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": "${canary}"`,
  'duplicate keys': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  k: ${canary}\n  k: other\n`,
  'alias bomb': [
    'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'data:',
    `  a: &a ["${canary}","${canary}","${canary}","${canary}","${canary}","${canary}","${canary}","${canary}","${canary}"]`,
    '  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', '  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', '  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    '  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', '  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]', '  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
    '  h: [*g,*g,*g,*g,*g,*g,*g,*g,*g]', '',
  ].join('\n'),
  'deep nesting': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(5000)}"${canary}"${']'.repeat(5000)}\n`,
  'non-UTF-8 bytes': Buffer.concat([Buffer.from(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: "${canary}`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}\n')]),
  'a scalar document': `just-a-string-${canary}\n`,
  'a document without kind': `apiVersion: v1\nmetadata: {name: x}\ndata: {k: ${canary}}\n`,
  'unknown ESO apiVersion': `apiVersion: external-secrets.io/v7\nkind: ExternalSecret\nmetadata: {name: x, namespace: a}\nspec: {data: [{secretKey: k, remoteRef: {key: ${canary}}}]}\n`,
};

describe('hostile input', () => {
  for (const [name, input] of Object.entries(cases)) {
    it(`${name}: clean error, nothing on stdout, no echo, no stack trace`, async () => {
      const r = await runCli(['render'], input as string);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/\[error\]/);
      expect(r.stderr).not.toContain(canary);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // a JS stack frame
      expect(r.stderr.length).toBeLessThan(2_000);
    });
  }

  it('a huge document is read (bounded work) and passes through', async () => {
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n${Array.from({ length: 20_000 }, (_, i) => `  k${i}: "${'x'.repeat(200)}"`).join('\n')}\n`;
    const r = await runCli(['render', '-q'], big);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(big);
  });

  it('wrong types in ESO fields are findings with field paths, not crashes', async () => {
    const es = (spec: string) => `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: x, namespace: a}\nspec: ${spec}\n`;
    for (const spec of ['[]', '"str"', '{data: 5}', '{data: [5]}', '{dataFrom: [{extract: 5}]}', '{target: [], data: [{secretKey: k, remoteRef: {key: k}}]}', '{secretStoreRef: 5, data: []}', '{dataFrom: [{find: {tags: [1]}}]}', '{data: [{secretKey: k, remoteRef: {key: k}}], target: {template: {data: [1], templateFrom: {}}}}']) {
      const r = await runCli(['render'], es(spec));
      expect(r.code, spec).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/ExternalSecret\/a\/x spec/);
      expect(r.stderr).not.toMatch(/internal error/);
    }
  });
});
