// go-json.ts against Go itself: generated JSON objects are decoded with UseNumber and re-marshalled (the
// whole-secret value), each top-level value goes through esutils.GetByteValue (property), and the whole
// value is re-decoded as float64 (extract). Go's answers come from a small program built at test time.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goByteValue, goJsonString, goMarshal, isGoObject, parseGoJson } from '../../../src/providers/shared/go-json.js';

const GO_PROGRAM = `package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
)

func byteValue(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any, []any:
		b, _ := json.Marshal(t)
		return string(b)
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case json.Number:
		return t.String()
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return ""
	}
	return "?"
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for sc.Scan() {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			fmt.Fprintln(out, "{\\"decodeError\\":true}")
			continue
		}
		whole, _ := json.Marshal(m)
		props := map[string]string{}
		for k, v := range m {
			props[k] = byteValue(v)
		}
		var f map[string]any
		extractErr := json.Unmarshal(whole, &f) != nil
		extract := map[string]string{}
		for k, v := range f {
			extract[k] = byteValue(v)
		}
		res, _ := json.Marshal(map[string]any{"whole": string(whole), "props": props, "extract": extract, "extractErr": extractErr})
		fmt.Fprintln(out, string(res))
	}
}
`;

let dir: string;
let goBin: string | undefined;

// Go comes from the global setup (test/setup/tools.ts), which fails the run without it.
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vault-gojson-'));
  writeFileSync(path.join(dir, 'main.go'), GO_PROGRAM);
  goBin = path.join(dir, 'gojson');
  execFileSync('go', ['build', '-o', goBin, 'main.go'], {
    cwd: dir,
    env: { ...process.env, GOCACHE: path.join(dir, 'cache'), GOPATH: path.join(dir, 'gopath'), GOFLAGS: '', GO111MODULE: 'off' },
    stdio: 'pipe',
  });
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// JSON text with number literals in every shape JSON allows, and strings with characters Go escapes.
// \b and \f are left out: Go 1.22 (which ESO uses) escapes them as \b/\f, the Go here (1.19) as \u0008.
const numberText = fc.oneof(
  fc.constantFrom('0', '-0', '1.50', '1e3', '1E+2', '-2.5e-7', '12345678901234567890', '0.000001', '1e21', '123456789012345678901234', '5432.0'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.integer().map(String),
);
const stringText = fc
  .string({ unit: fc.oneof(fc.constantFrom('<', '>', '&', '"', '\\', '\n', '\t', '\u0001', '\u2028', '\u2029', 'é', '😀', '/', '\u001f'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\b' && c !== '\f')) })
  .map((s) => JSON.stringify(s));
const valueText: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    numberText,
    stringText,
    fc.constantFrom('true', 'false', 'null'),
    fc.array(tie('v'), { maxLength: 4 }).map((a) => '[' + a.join(', ') + ']'),
    fc.array(fc.tuple(stringText, tie('v')), { maxLength: 4 }).map((es) => '{' + es.map(([k, v]) => `${k}: ${v}`).join(', ') + '}'),
  ),
})).v;
const objectText = fc.array(fc.tuple(stringText, valueText), { maxLength: 6 }).map((es) => '{ ' + es.map(([k, v]) => `${k} : ${v}`).join(' ,\t') + ' }');

describe('go-json against Go encoding/json', () => {
  it('whole-secret JSON, GetByteValue per key and the float64 extract path match Go for 600 generated objects', () => {
    const samples = fc.sample(objectText, { numRuns: 600, seed: 20260101 });
    const out = execFileSync(goBin!, { input: samples.join('\n') + '\n', maxBuffer: 64 << 20 }).toString('utf8').trim().split('\n');
    expect(out).toHaveLength(samples.length);
    samples.forEach((text, i) => {
      const go = JSON.parse(out[i]!);
      expect(go.decodeError, text).toBeUndefined();
      const v = parseGoJson(text);
      if (!isGoObject(v)) throw new Error('not an object');
      expect(goMarshal(v), text).toBe(go.whole);
      const props = Object.fromEntries([...v].map(([k, x]) => [k, Buffer.from(goByteValue(x)).toString('utf8')]));
      expect(props, text).toEqual(go.props);
      if (go.extractErr) {
        expect(() => parseGoJson(go.whole, 'float'), text).toThrow();
      } else {
        const f = parseGoJson(go.whole, 'float');
        if (!isGoObject(f)) throw new Error('not an object');
        const extract = Object.fromEntries([...f].map(([k, x]) => [k, Buffer.from(goByteValue(x)).toString('utf8')]));
        expect(extract, text).toEqual(go.extract);
      }
    });
  });
});

describe('go-json details', () => {
  it('escapes \\b and \\f the way Go 1.22+ does', () => {
    expect(goJsonString('a\bb\fc')).toBe('"a\\bb\\fc"');
  });

  it('rejects malformed JSON without quoting it', () => {
    expect(() => parseGoJson('{"password": s3cr3t}')).toThrow(/invalid JSON \(unexpected character at offset \d+\)/);
    expect(() => parseGoJson('{"password": "s3cr3t"}')).not.toThrow();
    try {
      parseGoJson('{"password": s3cr3t}');
    } catch (e) {
      expect((e as Error).message).not.toContain('s3cr3t');
    }
  });

  it('keeps a later duplicate key, like Go', () => {
    const v = parseGoJson('{"a":1,"a":2}');
    expect(goMarshal(v)).toBe('{"a":2}');
  });
});
