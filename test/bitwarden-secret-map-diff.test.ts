// Differential test of the Bitwarden provider's extract split (src/providers/bitwarden/secret-map.ts)
// against Go: test/bitwarden-reference/main.go runs ESO v2.9.0's GetSecretMap logic with go-yaml v3.0.1
// (the version ESO pins, Debian's golang-gopkg-yaml.v3-dev) and encoding/json for every case in one
// process; ours must give the same keys and bytes, or fail where Go fails. A reference that cannot be
// built fails this file.
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { secretMap } from '../src/providers/bitwarden/secret-map.js';
import { buildGoReference, ensureGoPackages, type GoReference } from './helpers/go-ref.js';

const CASES: Record<string, string> = {
  'json flat strings': '{"user":"shop","password":"pw"}',
  'json numbers': '{"a":1,"b":1.50,"c":1e6,"d":-0.000001,"e":123456789012,"f":1.5e-7,"g":100000,"h":1234567.5}',
  'json bools and null': '{"t":true,"f":false,"n":null}',
  'json nested': '{"nested":{"b":2,"a":"x y","c":{"d":[1,2]}}}',
  'json lists': '{"list":[1,"two",true,null,{"k":"v"}],"empty":[]}',
  'json empty object member': '{"o":{}}',
  'json escapes': '{"s":"line\\nbreak","u":"\\u00e9t\\u00e9","q":"say \\"hi\\""}',
  'json duplicate keys (yaml refuses, json takes the last)': '{"a":"1","a":"2","b":{"x": 1}}',
  'json string that looks like a number': '{"port":"5432","yes":"yes"}',
  'json empty': '{}',
  'yaml block': 'host: db.internal\nport: 5432\nenabled: yes\nratio: 0.5\n',
  'yaml nested block': 'db:\n  host: h\n  port: 1\n  tags: [a, b]\nname: x\n',
  'yaml octal and hex and underscores': 'a: 0777\nb: 0x1F\nc: 1_000\nd: 0o17\ne: +12\n',
  'yaml specials': 'a: .inf\nb: -.Inf\nc: .nan\nd: ~\ne: Null\nf: ""\n',
  'yaml timestamps are time.Time (go-yaml v3.0.1)': 'when: 2024-01-02\nat: 2024-01-02T03:04:05Z\nfrac: 2024-1-2t3:4:5.120Z\noff: 2024-01-02T03:04:05+02:00\nlocal: 2024-01-02 03:04:05\nbad: 2024-02-30\nq: "2024-01-02"\n',
  'nested timestamps': 'n:\n  when: 2024-01-02\n  off: 2024-01-02T03:04:05.5-01:30\nl: [2024-01-02]\n',
  'nested strings with breaks and odd characters': 'n:\n  a: "x\\ny"\n  b: "tab\\there"\n  c: " lead"\n  d: "trail "\n  e: "a #b"\n  f: "#x"\n  g: "ends:"\n  h: "---x"\n  i: "x\\n"\n  j: "é"\n  k: "12:30"\n',
  'yaml quoted': "a: '123'\nb: \"true\"\nc: 'it''s'\n",
  'yaml multi-line': 'cert: |\n  line1\n  line2\nfolded: >\n  a\n  b\n',
  'yaml nested strings needing quotes': 'n:\n  a: "true"\n  b: "123"\n  c: "x: y"\n  d: ""\n  e: yes\n  f: "-x"\n',
  'yaml keys sorted as go-yaml does': 'n:\n  a10: 1\n  a2: 2\n  B: 3\n  a: 4\n  _x: 5\n',
  'yaml nested list of maps': 'n:\n  items:\n    - name: a\n      v: 1\n    - name: b\n',
  'binary scalars': 'raw: !!binary 3q2+7w==\ntext: !!binary aGVsbG8=\nn:\n  t: !!binary aGVsbG8=\n',
  'explicit tags': 'a: !!str 123\nb: !!int "42"\nc: !!float 1\n',
  'plain text': 'just text',
  'a number': '42',
  'a list': '[1, 2]',
  empty: '',
  null: 'null',
  'broken json': '{"a": ',
  'tab-indented json': '{\n\t"a": "x",\n\t"b": 2\n}',
};

let ref: GoReference | undefined;
afterAll(() => ref?.cleanup());

describe('Bitwarden extract split against ESO\'s Go', () => {
  it('every case gives Go\'s keys and bytes, or fails where Go fails', () => {
    ensureGoPackages({ 'golang-gopkg-yaml.v3-dev': '/usr/share/gocode/src/gopkg.in/yaml.v3' });
    ref = buildGoReference(fileURLToPath(new URL('./bitwarden-reference', import.meta.url)), 'bitwardenref');
    const names = Object.keys(CASES);
    const go = ref.run(names.map((name) => ({ name, value: Buffer.from(CASES[name]!, 'utf8').toString('base64') }))) as { name: string; map?: Record<string, string>; error?: boolean }[];
    const problems: string[] = [];
    for (const g of go) {
      let ours: Record<string, string> | 'error';
      try {
        ours = Object.fromEntries([...secretMap(CASES[g.name]!)].map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
      } catch {
        ours = 'error';
      }
      const want = g.error ? 'error' : (g.map ?? {});
      const show = (m: Record<string, string> | 'error') => (m === 'error' ? m : JSON.stringify(Object.fromEntries(Object.entries(m).sort().map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]))));
      if (show(ours) !== show(want)) problems.push(`${g.name}: go ${show(want)} ours ${show(ours)}`);
    }
    expect(problems).toEqual([]);
  });
});
