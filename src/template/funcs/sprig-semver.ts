// Masterminds/semver v3.4.0 as sprig's `semver` and `semverCompare` use it: NewVersion (with its
// detailed errors), NewConstraint (ranges, x-ranges, ~, ^, ||, comma/space AND) and Constraints.Check.
// The library's regular expressions are compiled with re2js, so they match exactly as in Go.

import type { RE2JS } from 're2js';
import { re2 } from '../../common/lazy-packages.js';
import { quote } from '../fmt.js';
import { GoObject, type GoMethod, type Value } from '../values.js';

const looseSemVerRegex =
  String.raw`v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?` +
  String.raw`(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?` +
  String.raw`(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const cvRegex =
  String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?` +
  String.raw`(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?` +
  String.raw`(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const ops = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;

// Compiled on the first semver call, not when the template engine loads (re2js is loaded lazily).
let compiled: { looseRe: RE2JS; constraintRe: RE2JS; rangeRe: RE2JS; findRe: RE2JS; validRe: RE2JS } | undefined;
function res(): NonNullable<typeof compiled> {
  if (compiled) return compiled;
  const RE2JS = re2();
  return (compiled = {
    looseRe: RE2JS.compile('^' + looseSemVerRegex + '$'),
    constraintRe: RE2JS.compile(String.raw`^\s*(${ops})\s*(${cvRegex})\s*$`),
    rangeRe: RE2JS.compile(String.raw`\s*(${cvRegex})\s+-\s+(${cvRegex})\s*`),
    findRe: RE2JS.compile(String.raw`(${ops})\s*(${cvRegex})`),
    validRe: RE2JS.compile(String.raw`^(\s*(${ops})\s*(${cvRegex})\s*)((?:\s+|,\s*)(${ops})\s*(${cvRegex})\s*)*$`),
  });
}

/** FindStringSubmatch with unmatched groups as ''. */
function submatch(re: RE2JS, s: string): string[] | undefined {
  const m = re.matcher(s);
  if (!m.find()) return undefined;
  const out: string[] = [];
  for (let g = 0; g <= re.groupCount(); g++) out.push(m.group(g) ?? '');
  return out;
}

/** FindAllStringSubmatch(s, -1) (non-overlapping, Go's empty-match rule is moot: no pattern here matches empty). */
function allSubmatches(re: RE2JS, s: string): string[][] {
  const m = re.matcher(s);
  const out: string[][] = [];
  while (m.find()) {
    const g: string[] = [];
    for (let i = 0; i <= re.groupCount(); i++) g.push(m.group(i) ?? '');
    out.push(g);
  }
  return out;
}

const NUM = '0123456789';
const ALLOWED = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-' + NUM;
const containsOnly = (s: string, set: string): boolean => [...s].every((c) => set.includes(c));

function parseUintSegment(s: string): bigint {
  if (!/^[0-9]+$/.test(s)) throw new Error(`error parsing version segment: strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > 0xffffffffffffffffn) throw new Error(`error parsing version segment: strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

function validatePrerelease(p: string): void {
  for (const part of p.split('.')) {
    if (part === '') throw new Error('invalid prerelease string');
    if (containsOnly(part, NUM)) {
      if (part.length > 1 && part[0] === '0') throw new Error('version segment starts with 0');
    } else if (!containsOnly(part, ALLOWED)) throw new Error('invalid prerelease string');
  }
}

function validateMetadata(m: string): void {
  for (const part of m.split('.')) if (part === '' || !containsOnly(part, ALLOWED)) throw new Error('invalid metadata string');
}

/** *semver.Version. Strings are Go strings (bytes); the grammar admits ASCII only. */
export class SemVersion extends GoObject {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: string,
    readonly metadata: string,
    readonly original: string,
    /** *semver.Version (what `semver` returns) or a semver.Version value (what IncMinor & co. return). */
    readonly pointer = true,
  ) {
    super();
  }

  /** A semver.Version value like this one with some parts changed, its original re-made as the library does. */
  private next(parts: { major?: bigint; minor?: bigint; patch?: bigint; pre?: string; metadata?: string }): SemVersion {
    const v = new SemVersion(parts.major ?? this.major, parts.minor ?? this.minor, parts.patch ?? this.patch, parts.pre ?? this.pre, parts.metadata ?? this.metadata, '', false);
    // originalVPrefix: a leading "v" of the original is kept.
    const prefix = this.original.startsWith('v') ? 'v' : '';
    return new SemVersion(v.major, v.minor, v.patch, v.pre, v.metadata, prefix + v.toString(), false);
  }

  /** semver.NewVersion with CoerceNewVersion (the library default): the loose grammar, leading zeros allowed. */
  static parse(v: string): SemVersion {
    const m = submatch(res().looseRe, v);
    if (!m) throw new Error('invalid semantic version');
    const sv = new SemVersion(
      parseUintSegment(m[1]!),
      m[2] ? parseUintSegment(m[2].slice(1)) : 0n,
      m[3] ? parseUintSegment(m[3].slice(1)) : 0n,
      m[5]!,
      m[8]!,
      v,
    );
    if (sv.pre) validatePrerelease(sv.pre);
    if (sv.metadata) validateMetadata(sv.metadata);
    return sv;
  }

  override toString(): string {
    return `${this.major}.${this.minor}.${this.patch}` + (this.pre ? '-' + this.pre : '') + (this.metadata ? '+' + this.metadata : '');
  }

  compare(o: SemVersion): number {
    for (const [a, b] of [
      [this.major, o.major],
      [this.minor, o.minor],
      [this.patch, o.patch],
    ] as const) {
      if (a !== b) return a < b ? -1 : 1;
    }
    if (this.pre === '' && o.pre === '') return 0;
    if (this.pre === '') return 1;
    if (o.pre === '') return -1;
    return comparePrerelease(this.pre, o.pre);
  }

  goType(): string {
    return this.pointer ? '*semver.Version' : 'semver.Version';
  }
  /** %#v of the pointer at the top level: `&semver.Version{major:0x1, ...}` (nested, Go prints an address). */
  override goSyntax(depth: number): string | undefined {
    if (depth > 0 && this.pointer) return undefined;
    const hex = (n: bigint): string => '0x' + n.toString(16);
    return `${this.pointer ? '&' : ''}semver.Version{major:${hex(this.major)}, minor:${hex(this.minor)}, patch:${hex(this.patch)}, pre:${quote(this.pre)}, metadata:${quote(this.metadata)}, original:${quote(this.original)}}`;
  }
  goKind(): string {
    return this.pointer ? 'ptr' : 'struct';
  }
  goString(): string {
    return this.toString();
  }
  marshalJSON(): string {
    return JSON.stringify(this.toString());
  }
  override member(name: string): { field: Value } | GoMethod | undefined {
    const str = (f: () => string): GoMethod => ({ sig: 'func() string', fn: f });
    const u64 = (f: () => bigint): GoMethod => ({ sig: 'func() uint64', fn: f });
    const cmp = (f: (c: number) => boolean): GoMethod => ({ sig: 'func(*semver.Version) bool', fn: (o: SemVersion) => f(this.compare(o)) });
    // Value-receiver methods (String, Major, ..., IncPatch, SetPrerelease) work on both; the pointer-receiver
    // ones (Original, Compare, LessThan, ...) only on the pointer: a Version returned by IncMinor is not
    // addressable, so text/template cannot take its address ("can't evaluate field").
    const version = 'func() semver.Version';
    switch (name) {
      // Value receivers: json.Marshal's form of the version, as bytes.
      case 'MarshalJSON':
        return { sig: 'func() ([]byte, error)', fn: () => new Uint8Array(Buffer.from(this.marshalJSON(), 'utf8')) };
      case 'MarshalText':
        return { sig: 'func() ([]byte, error)', fn: () => new Uint8Array(Buffer.from(this.toString(), 'utf8')) };
      case 'IncPatch':
        return { sig: version, fn: () => (this.pre !== '' ? this.next({ pre: '', metadata: '' }) : this.next({ pre: '', metadata: '', patch: this.patch + 1n })) };
      case 'IncMinor':
        return { sig: version, fn: () => this.next({ pre: '', metadata: '', patch: 0n, minor: this.minor + 1n }) };
      case 'IncMajor':
        return { sig: version, fn: () => this.next({ pre: '', metadata: '', patch: 0n, minor: 0n, major: this.major + 1n }) };
      case 'SetPrerelease':
        return {
          sig: 'func(string) (semver.Version, error)',
          fn: (pre: string) => {
            if (pre.length > 0) validatePrerelease(pre);
            return this.next({ pre });
          },
        };
      case 'SetMetadata':
        return {
          sig: 'func(string) (semver.Version, error)',
          fn: (metadata: string) => {
            if (metadata.length > 0) validateMetadata(metadata);
            return this.next({ metadata });
          },
        };
    }
    if (!this.pointer && !['Major', 'Minor', 'Patch', 'Prerelease', 'Metadata', 'String'].includes(name)) return undefined;
    switch (name) {
      case 'Major':
        return u64(() => this.major);
      case 'Minor':
        return u64(() => this.minor);
      case 'Patch':
        return u64(() => this.patch);
      case 'Prerelease':
        return str(() => this.pre);
      case 'Metadata':
        return str(() => this.metadata);
      case 'Original':
        return str(() => this.original);
      case 'String':
        return str(() => this.toString());
      case 'Compare':
        return { sig: 'func(*semver.Version) int', fn: (o: SemVersion) => BigInt(this.compare(o)) };
      case 'LessThan':
        return cmp((c) => c < 0);
      case 'LessThanEqual':
        return cmp((c) => c <= 0);
      case 'GreaterThan':
        return cmp((c) => c > 0);
      case 'GreaterThanEqual':
        return cmp((c) => c >= 0);
      case 'Equal':
        return cmp((c) => c === 0);
    }
    return undefined;
  }
}

function comparePrerelease(v: string, o: string): number {
  const sp = v.split('.');
  const op = o.split('.');
  for (let i = 0; i < Math.max(sp.length, op.length); i++) {
    const d = comparePrePart(sp[i] ?? '', op[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return -1;
  if (o === '') return 1;
  const num = (x: string): bigint | undefined => (/^[0-9]+$/.test(x) && BigInt(x) <= 0xffffffffffffffffn ? BigInt(x) : undefined);
  const oi = num(o);
  const si = num(s);
  if (oi === undefined && si === undefined) return s > o ? 1 : -1;
  if (oi === undefined) return -1;
  if (si === undefined) return 1;
  return si > oi ? 1 : -1;
}

interface Constraint {
  con: SemVersion;
  orig: string;
  op: string;
  minorDirty: boolean;
  patchDirty: boolean;
  dirty: boolean;
}

const isX = (x: string): boolean => x === 'x' || x === '*' || x === 'X';

function parseConstraint(c: string): Constraint {
  if (c.length === 0) {
    return { con: SemVersion.parse('0.0.0'), orig: c, op: '', minorDirty: false, patchDirty: false, dirty: true };
  }
  const m = submatch(res().constraintRe, c);
  if (!m) throw new Error(`improper constraint: ${c}`);
  let ver = m[2]!;
  let minorDirty = false;
  let patchDirty = false;
  let dirty = false;
  if (isX(m[3]!) || m[3] === '') {
    ver = `0.0.0${m[6]}`;
    dirty = true;
  } else if (isX(m[4]!.replace(/^\./, '')) || m[4] === '') {
    minorDirty = dirty = true;
    ver = `${m[3]}.0.0${m[6]}`;
  } else if (isX(m[5]!.replace(/^\./, '')) || m[5] === '') {
    dirty = patchDirty = true;
    ver = `${m[3]}${m[4]}.0${m[6]}`;
  }
  let con: SemVersion;
  try {
    con = SemVersion.parse(ver);
  } catch {
    throw new Error('constraint parser error');
  }
  return { con, orig: m[2]!, op: m[1]!, minorDirty, patchDirty, dirty };
}

function rewriteRange(i: string): string {
  let o = i;
  for (const v of allSubmatches(res().rangeRe, i)) o = o.replace(v[0]!, `>= ${v[1]}, <= ${v[11]} `);
  return o;
}

/** semver.NewConstraint: OR groups of AND-ed constraints; `hasPre` per group. */
function newConstraints(c: string): { groups: Constraint[][]; hasPre: boolean[] } {
  c = rewriteRange(c);
  const groups: Constraint[][] = [];
  const hasPre: boolean[] = [];
  for (const v of c.split('||')) {
    if (!res().validRe.matcher(v).find()) throw new Error(`improper constraint: ${v}`);
    let cs = allSubmatches(res().findRe, v).map((m) => m[0]!);
    if (cs.length === 0) cs = [v];
    const group = cs.map(parseConstraint);
    hasPre.push(group.some((x) => x.con.pre !== ''));
    groups.push(group);
  }
  return { groups, hasPre };
}

function check(v: SemVersion, c: Constraint, includePre: boolean): boolean {
  if (v.pre !== '' && !includePre) return false;
  const cmp = v.compare(c.con);
  switch (c.op) {
    case '':
    case '=':
      return c.dirty ? tilde(v, c) : cmp === 0;
    case '!=':
      return notEqual(v, c);
    case '>':
      if (!c.dirty) return cmp === 1;
      if (v.major > c.con.major) return true;
      if (v.major < c.con.major || c.minorDirty) return false;
      if (c.patchDirty) return v.minor > c.con.minor;
      return cmp === 1;
    case '<':
      return cmp < 0;
    case '>=':
    case '=>':
      return cmp >= 0;
    case '<=':
    case '=<':
      if (!c.dirty) return cmp <= 0;
      if (v.major > c.con.major) return false;
      if (v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty) return false;
      return true;
    case '~':
    case '~>':
      return tilde(v, c);
    case '^':
      return caret(v, c);
  }
  return false;
}

function notEqual(v: SemVersion, c: Constraint): boolean {
  if (c.dirty) {
    if (c.con.major !== v.major) return true;
    if (c.con.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (c.con.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) {
      if (v.pre !== '' || c.con.pre !== '') return comparePrerelease(v.pre, c.con.pre) !== 0;
      return false;
    }
  }
  return v.compare(c.con) !== 0;
}

function tilde(v: SemVersion, c: Constraint): boolean {
  if (v.compare(c.con) < 0) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  if (v.minor !== c.con.minor && !c.minorDirty) return false;
  return true;
}

function caret(v: SemVersion, c: Constraint): boolean {
  if (v.compare(c.con) < 0) return false;
  if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
  if (c.con.major === 0n && v.major > 0n) return false;
  if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
  if (c.con.minor === 0n && v.minor > 0n) return false;
  return c.con.patch === v.patch;
}

/** sprig's semverCompare(constraint, version). */
export function semverCompare(constraint: string, version: string): boolean {
  const cs = newConstraints(constraint);
  const v = SemVersion.parse(version);
  return cs.groups.some((g, i) => g.every((c) => check(v, c, cs.hasPre[i]!)));
}
