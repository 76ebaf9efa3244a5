// Generates lang-printf-generated.yaml: printf verbs x flags x width/precision x values, plus print,
// println and value printing of every kind. Run: node test/template-corpus/generate-lang-printf.mjs
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

// Template expressions producing values of each Go kind the engine models.
const values = {
  int0: '0',
  int42: '42',
  intneg: '-42',
  int255: '255',
  intbig: '9007199254740993',
  intmin: '-9223372036854775808',
  int64: '(int64 7)',
  uint8: '(index "A" 0)',
  rune: "'é'",
  f0: '0.0',
  fpi: '3.14159',
  fneg: '-2.5',
  fhalf: '0.5',
  f1e21: '1e21',
  f1e20: '1e20',
  fsmall: '0.000123',
  ftiny: '1e-7',
  fmillion: '1234567.0',
  f100k: '123456.0',
  fround: '2.675',
  fjson: '(.j | fromJson).n',
  sempty: '""',
  shi: '"hi"',
  sutf8: '"héllo"',
  sesc: '"a\\"b\\n\\x01"',
  sdata: '.s',
  btrue: 'true',
  bfalse: 'false',
  nil: 'nil',
  list: '(list 1 "a" nil 2.5)',
  dict: '(dict "b" 1 "a" "x")',
  strs: '(splitList "," "x,y")',
};

const verbs = ['v', 'd', 'x', 'X', 'o', 'b', 'c', 'q', 'U', 'e', 'f', 'g', 's', 't', 'T'];
const specs = ['', '+', '-8', '08', '#', ' ', '.2', '8.3', '+08.1', '#-6'];

const cases = [];
for (const [vname, expr] of Object.entries(values)) {
  for (const spec of specs) {
    const fmtStr = verbs.map((v) => `<%${spec}${v}>`).join('');
    const args = verbs.map(() => expr).join(' ');
    const data = { j: '{"n": 1234567.5}', s: 'dáta' };
    cases.push({
      name: `printf-${vname}-${spec === '' ? 'plain' : spec.replace(/ /g, 'space').replace(/#/g, 'sharp').replace(/\+/g, 'plus').replace(/\./g, 'dot')}`,
      template: `{{ printf ${JSON.stringify(fmtStr)} ${args} }}`,
      data,
    });
  }
  cases.push({ name: `print-${vname}`, template: `{{ print ${expr} }}|{{ ${expr} }}|{{ println ${expr} ${expr} }}|{{ print ${expr} ${expr} "s" ${expr} }}`, data: { j: '{"n": 1234567.5}', s: 'dáta' } });
}

// printf corner cases: argument indexes, star width/precision, missing/extra args, %%.
const corners = [
  ['percent', '{{ printf "100%%" }}'],
  ['missing-arg', '{{ printf "%d %d" 1 }}'],
  ['extra-arg', '{{ printf "%d" 1 2 "x" nil }}'],
  ['no-verb', '{{ printf "abc%" }}'],
  ['star-width', '{{ printf "[%*d]" 6 42 }}'],
  ['star-neg-width', '{{ printf "[%*d]" -6 42 }}'],
  ['star-precision', '{{ printf "[%.*f]" 2 3.14159 }}'],
  ['star-bad', '{{ printf "[%*d]" "x" 42 }}'],
  ['arg-index', '{{ printf "%[2]s %[1]s" "a" "b" }}'],
  ['arg-index-bad', '{{ printf "%[3]s" "a" }}'],
  ['arg-index-repeat', '{{ printf "%[1]d %[1]x %[1]o" 64 }}'],
  ['arg-index-width', '{{ printf "%[1]*d" 5 3 }}'],
  ['bad-verb-string', '{{ printf "%d" "str" }}'],
  ['bad-verb-bool', '{{ printf "%s" true }}'],
  ['bad-verb-nil', '{{ printf "%d" nil }}'],
  ['utf8-verb', '{{ printf "%é" 1 }}'],
  ['width-unicode', '{{ printf "[%6s][%-6s]" "héllo" "日本" }}'],
  ['precision-unicode', '{{ printf "[%.2s][%.1q]" "日本語" "éa" }}'],
  ['q-backquote', '{{ printf "%#q %#q" "plain" "with`tick" }}'],
  ['q-ascii', '{{ printf "%+q" "héllo☺" }}'],
  ['x-spaced', '{{ printf "% x|% X|%# x" "abc" "abc" "abc" }}'],
  ['x-bytes-list', '{{ printf "%x %X %s" (list 1 2) (list "ab" "cd") (list "a" "b") }}'],
  ['float-sharp', '{{ printf "%#g %#.3g %#e %#.0f %#v" 1.0 2.0 3.0 4.0 5.0 }}'],
  ['float-large-prec', '{{ printf "%.20f %.17g %.30e" 0.1 0.1 0.1 }}'],
  ['float-round-half-even', '{{ printf "%.0f %.0f %.0f %.0f %.1f %.2f" 0.5 1.5 2.5 3.5 0.25 1.005 }}'],
  ['float-g-prec', '{{ printf "%.3g %.3g %.3g %.10g %g" 1234.5678 0.00012345 100.0 1.0 100000000.0 }}'],
  ['float-G-E', '{{ printf "%G %E %.2E" 1e-10 123456.789 0.000123 }}'],
  ['float-b', '{{ printf "%b %b" 1.0 0.1 }}'],
  ['float-x', '{{ printf "%x %X %.3x %#x" 1.0 255.5 3.14159 0.1 }}'],
  ['float-inf-nan', '{{ $inf := (`{"a":1}` | fromJson).a }}{{ printf "%v %08.2f %+v" 1e308 1e308 -1e308 }}'],
  ['int-prec-zero', '{{ printf "[%.0d][%5.0d][%.3d][%08.3d]" 0 0 7 -7 }}'],
  ['int-sharp-bases', '{{ printf "%#b %#o %#x %#X %O" 5 8 255 255 8 }}'],
  ['int-plus-space', '{{ printf "%+d % d %+ d % +d" 5 5 5 -5 }}'],
  ['unicode-verbs', '{{ printf "%U %#U %#U %.6U %c %q" 0x41 0x263A 0x0 0x41 0x1F600 0x1F600 }}'],
  ['c-invalid', '{{ printf "%c|%q" -1 1114112 }}'],
  ['T-verbs', '{{ printf "%T %T %T %T %T %T %T %T %T" 1 1.5 "s" true nil (list) (dict) (int64 1) (splitList "," "a") }}'],
  ['v-sharp', '{{ printf "%#v %#v %#v %#v %#v %#v" 1 "s" (list 1 "a" nil) (dict "k" (list 2)) true 1.5 }}'],
  ['v-plus', '{{ printf "%+v %+v %+v" 1 (dict "a" 1) (list -1) }}'],
  ['nested-map-print', '{{ print (dict "z" (dict "y" (list 1 (dict "x" nil)))) }}'],
  ['map-numeric-looking-keys', '{{ print (dict "10" 1 "9" 2 "a" 3 "B" 4) }}'],
  ['sprint-spacing', '{{ print 1 2 "a" 3 "b" "c" 4.5 true nil }}'],
  ['println-spacing', '{{ println 1 "a" "b" 2 }}'],
  ['html-escapes', '{{ html "<a href=\\"x\\">&\'</a>" }} {{ html 1 "<" nil }}'],
  ['js-escapes', '{{ js "a\'b\\"c\\\\d<e>f&g=h\\ni\\x01" }} {{ js "héllo\\u2028" }}'],
  ['urlquery-escapes', '{{ urlquery "a b&c=d/é?~_.-" }} {{ urlquery 1 "x y" }}'],
  ['printf-data-bytes', '{{ printf "%s|%q|%x|%v" .s .s .s .s }}'],
  ['printf-no-args', '{{ printf "plain" }}'],
  ['printf-wrong-format-type', '{{ printf 1 }}'],
  ['printf-format-from-pipe', '{{ "%s!" | printf "%s-%s" "x" }}'],
];
for (const [name, template] of corners) cases.push({ name: `printf-${name}`, template, data: { s: 'dáta\x01' } });

const out = fileURLToPath(new URL('./lang-printf-generated.yaml', import.meta.url));
writeFileSync(
  out,
  '# Generated by generate-lang-printf.mjs; edit the generator, not this file.\n' + stringify(cases, { lineWidth: 0 }),
);
console.log(`${cases.length} cases written to ${out}`);
