// Lexer and parser: trim markers, comments, delimiters, node strings used in error context, and
// parse errors with Go's wording and line numbers.
import { describe, expect, it } from 'vitest';
import { ParseFailure, nodeString, parseTemplate } from './parse.js';

const fns = new Set(['printf', 'upper', 'len', 'list']);
const parse = (t: string, l = '{{', r = '}}') => parseTemplate(t, l, r, (n) => fns.has(n));

function parseError(t: string): string {
  try {
    parse(t);
  } catch (e) {
    if (e instanceof ParseFailure) return e.format('key');
    throw e;
  }
  throw new Error('expected a parse error');
}

describe('parser', () => {
  it('trims whitespace next to trim markers only', () => {
    const pt = parse('a \n {{- .x -}} \n b {{.y}} c');
    expect(pt.root.nodes.map((n) => nodeString(n))).toEqual(['a', '{{.x}}', 'b ', '{{.y}}', ' c']);
  });
  it('drops comments, including trimmed ones', () => {
    expect(nodeString(parse('a {{- /* note */ -}} b{{/* x */}}c').root)).toBe('abc');
  });
  it('prints nodes as Go does for error context', () => {
    const pt = parse('{{ $x := .a.b | printf "%s" (len .c) }}{{ if $x }}y{{ else }}n{{ end }}{{ range $i, $v := list }}{{ end }}');
    expect(pt.root.nodes.map((n) => nodeString(n))).toEqual([
      '{{$x := .a.b | printf "%s" (len .c)}}',
      '{{if $x}}y{{else}}n{{end}}',
      '{{range $i, $v := list}}{{end}}',
    ]);
  });
  it('merges field chains and keeps the position of the last field', () => {
    const pt = parse('{{ .a.b }}');
    const action = pt.root.nodes[0]!;
    expect(action.kind === 'action' && action.pipe.cmds[0]!.args[0]!.pos).toBe(5);
  });
  it('collects define and block trees', () => {
    const pt = parse('{{ define "a" }}A{{ end }}{{ block "b" . }}B{{ end }}');
    expect([...pt.defs.keys()].sort()).toEqual(['a', 'b']);
  });
  it('supports other delimiters', () => {
    const pt = parse('<< .x >>{{ .y }}', '<<', '>>');
    expect(pt.root.nodes.map((n) => nodeString(n))).toEqual(['{{.x}}', '{{ .y }}']);
  });
});

describe('parse errors', () => {
  const cases: [string, string][] = [
    ['{{ #xx }}', 'template: key:1: unexpected "#" in command'],
    ['a\n\n{{ if }}', 'template: key:3: missing value for if'],
    ['{{ .x ', 'template: key:1: unclosed action'],
    ['{{/* x }}', 'template: key:1: unclosed comment'],
    ['{{ nope }}', 'template: key:1: function "nope" not defined'],
    ['{{ $u }}', 'template: key:1: undefined variable "$u"'],
    ['{{ end }}', 'template: key:1: unexpected {{end}}'],
    ['{{ if 1 }}', 'template: key:1: unexpected EOF'],
    ['{{ break }}', 'template: key:1: {{break}} outside {{range}}'],
    ['{{ 3k }}', 'template: key:1: bad number syntax: "3k"'],
    ['{{ "abc }}', 'template: key:1: unterminated quoted string'],
    ['{{ "x".y }}', 'template: key:1: unexpected . after term "\\"x\\""'],
    ['{{ 1 | 2 }}', 'template: key:1: non executable command in pipeline stage 2'],
    ['{{ define "a" }}1{{ end }}{{ define "a" }}2{{ end }}', 'template: key:1: template: multiple definition of template "a"'],
    ['{{ 99999999999999999999 }}', 'template: key:1: integer overflow: "99999999999999999999"'],
    ['{{ "\\q" }}', 'template: key:1: invalid syntax'],
  ];
  for (const [t, msg] of cases) it(`reports ${JSON.stringify(t)}`, () => expect(parseError(t)).toBe(msg));
});
