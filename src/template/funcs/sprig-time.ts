// Go's time package as sprig's date functions need it: time.Time with a location, Format and Parse
// with Go layouts ("2006-01-02 15:04:05.999999999 -0700 MST"), Duration.String and ParseDuration.
// "Local" is UTC, as in ESO's container (no TZ, no /etc/localtime). Named zones come from Intl.

import { existsSync, readFileSync } from 'node:fs';
import { quote } from '../fmt.js';
import { GoObject, type GoMethod, type Value } from '../values.js';

// ---- locations ----------------------------------------------------------------------------------------

export interface Zone {
  /** Name as Go's Location.String() gives it ('UTC', 'Local', 'Europe/Berlin', '' for fixed zones). */
  name: string;
  /** Offset (seconds east of UTC) and abbreviation in effect at a Unix second. */
  lookup(unixSec: number): { offset: number; abbr: string };
}

export const UTC: Zone = { name: 'UTC', lookup: () => ({ offset: 0, abbr: 'UTC' }) };
export const LOCAL: Zone = { name: 'Local', lookup: () => ({ offset: 0, abbr: 'UTC' }) };

export function fixedZone(abbr: string, offset: number): Zone {
  return { name: abbr, lookup: () => ({ offset, abbr }) };
}

function numericAbbr(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const h = String(Math.floor(a / 3600)).padStart(2, '0');
  const m = Math.floor((a % 3600) / 60);
  return sign + h + (m ? String(m).padStart(2, '0') : '');
}

const ZONEINFO = '/usr/share/zoneinfo';

/** What a TZif file (the system tzdata Go reads) says about abbreviations. */
interface TzInfo {
  transitions: number[];
  types: Array<{ offset: number; isDst: boolean; abbr: string }>;
  idx: number[];
  /** Names from the footer TZ string (times after the last transition). */
  std?: { name: string; offset: number };
  dst?: { name: string; offset: number };
}

function parseTzif(buf: Buffer): TzInfo | undefined {
  if (buf.toString('latin1', 0, 4) !== 'TZif') return undefined;
  const version = buf[4]!;
  const counts = (at: number): number[] => Array.from({ length: 6 }, (_, k) => buf.readUInt32BE(at + 20 + 4 * k));
  let pos = 0;
  let [isutc, isstd, leap, timecnt, typecnt, charcnt] = counts(0);
  let timeSize = 4;
  if (version >= 0x32) {
    // Skip the v1 block; the v2 block has 64-bit times.
    pos = 44 + timecnt! * 5 + typecnt! * 6 + charcnt! + leap! * 8 + isstd! + isutc!;
    [isutc, isstd, leap, timecnt, typecnt, charcnt] = counts(pos);
    timeSize = 8;
  }
  let p = pos + 44;
  const transitions: number[] = [];
  for (let k = 0; k < timecnt!; k++, p += timeSize) transitions.push(timeSize === 8 ? Number(buf.readBigInt64BE(p)) : buf.readInt32BE(p));
  const idx: number[] = [];
  for (let k = 0; k < timecnt!; k++) idx.push(buf[p++]!);
  const raw: Array<[number, boolean, number]> = [];
  for (let k = 0; k < typecnt!; k++, p += 6) raw.push([buf.readInt32BE(p), buf[p + 4] !== 0, buf[p + 5]!]);
  const chars = buf.toString('latin1', p, p + charcnt!);
  p += charcnt! + leap! * (timeSize + 4) + isstd! + isutc!;
  const types = raw.map(([offset, isDst, ai]) => ({ offset, isDst, abbr: chars.slice(ai, chars.indexOf('\0', ai) < 0 ? undefined : chars.indexOf('\0', ai)) }));
  const info: TzInfo = { transitions, types, idx };
  if (timeSize === 8 && buf[p] === 0x0a) {
    const end = buf.indexOf(0x0a, p + 1);
    const footer = buf.toString('latin1', p + 1, end < 0 ? undefined : end);
    const m = /^(<[^>]*>|[A-Za-z]+)([+-]?[0-9:]+)(?:(<[^>]*>|[A-Za-z]+)([+-]?[0-9:]+)?)?/.exec(footer);
    if (m) {
      const name = (n: string): string => n.replace(/^<|>$/g, '');
      const secs = (o: string): number => {
        const [h = '0', mi = '0', se = '0'] = o.replace(/^[+-]/, '').split(':');
        const v = Number(h) * 3600 + Number(mi) * 60 + Number(se);
        return o.startsWith('-') ? v : -v; // POSIX offsets are west-positive
      };
      info.std = { name: name(m[1]!), offset: secs(m[2]!) };
      if (m[3]) info.dst = { name: name(m[3]), offset: m[4] ? secs(m[4]) : info.std.offset + 3600 };
    }
  }
  return info;
}

/**
 * The abbreviation and offset Go would use for a zone at a Unix second, from tzdata. After the last
 * transition the footer rule applies; its DST dates come from Intl's offset (`offset`).
 */
function tzAbbr(info: TzInfo, unixSec: number, offset: number): { abbr: string; offset: number } | undefined {
  const t = info.transitions;
  if (t.length === 0 || unixSec >= t[t.length - 1]!) {
    if (info.dst && offset === info.dst.offset && offset !== info.std?.offset) return { abbr: info.dst.name, offset };
    if (info.std) return { abbr: info.std.name, offset };
    if (t.length === 0) return info.types[0];
    return info.types[info.idx[t.length - 1]!];
  }
  if (unixSec < t[0]!) {
    // Go's lookupFirstZone: the first standard-time type.
    return info.types.find((x) => !x.isDst) ?? info.types[0];
  }
  let lo = 0;
  let hi = t.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t[mid]! <= unixSec) lo = mid;
    else hi = mid - 1;
  }
  return info.types[info.idx[lo]!];
}

function readTzif(name: string): TzInfo | null | undefined {
  if (!existsSync(ZONEINFO)) return undefined; // no tzdata on this machine: Intl alone decides
  try {
    return parseTzif(readFileSync(`${ZONEINFO}/${name}`)) ?? null;
  } catch {
    return null; // Go's LoadLocation fails for names the tzdata does not have
  }
}

const zoneCache = new Map<string, Zone | null>();

/** time.LoadLocation; undefined for unknown names. */
export function loadLocation(name: string): Zone | undefined {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return LOCAL;
  if (zoneCache.has(name)) return zoneCache.get(name) ?? undefined;
  let zone: Zone | null = null;
  const tz = !name.startsWith('/') && !name.includes('..') && !/[^\x21-\x7e]/.test(name) ? readTzif(name) : null;
  if (tz !== null) {
    try {
      const dtf = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short',
      });
      const names = ['en-US', 'en-GB'].map((loc) => new Intl.DateTimeFormat(loc, { timeZone: name, timeZoneName: 'short' }));
      zone = {
        name,
        lookup(unixSec: number) {
          const d = new Date(unixSec * 1000);
          const parts: Record<string, string> = {};
          for (const p of dtf.formatToParts(d)) parts[p.type] = p.value;
          let year = Number(parts.year);
          if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
          const asUTC = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
          const offset = Math.round((asUTC - Math.floor(unixSec) * 1000) / 1000);
          const fromTz = tz ? tzAbbr(tz, unixSec, offset) : undefined;
          if (fromTz) return { offset: fromTz.offset, abbr: fromTz.abbr };
          let abbr: string | undefined;
          {
            for (const f of names) {
              const n = f.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
              if (n !== '' && !/^(GMT|UTC)[+-−]/.test(n) && !(n === 'GMT' && offset !== 0)) {
                abbr = n;
                break;
              }
            }
          }
          return { offset, abbr: abbr ?? numericAbbr(offset) };
        },
      };
    } catch {
      zone = null;
    }
  }
  zoneCache.set(name, zone);
  return zone ?? undefined;
}

// ---- calendar -----------------------------------------------------------------------------------------

const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const floorDiv = (a: number, b: number): number => Math.floor(a / b);

/** Civil date of a day number (days since 1970-01-01), proleptic Gregorian. */
function civil(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const day = doy - floorDiv(153 * mp + 2, 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Days since 1970-01-01 of a civil date (month may be out of range: it is normalised). */
function daysFromCivil(year: number, month: number, day: number): number {
  year += floorDiv(month - 1, 12);
  month = ((((month - 1) % 12) + 12) % 12) + 1;
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const doy = floorDiv(153 * (month + (month > 2 ? -3 : 9)) + 2, 5) + day - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468;
}

const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysIn = (m: number, y: number): number => (m === 2 ? (isLeap(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!);

// ---- time.Time ----------------------------------------------------------------------------------------

/** A Go time.Time: Unix seconds, nanoseconds, a location and (for time.Now) a monotonic reading. */
export class GoTime extends GoObject {
  constructor(
    readonly sec: number,
    readonly nsec: number,
    readonly loc: Zone,
    readonly mono?: bigint,
  ) {
    super();
  }

  static now(): GoTime {
    const ns = process.hrtime.bigint();
    const wall = BigInt(Date.now()) * 1_000_000n + (ns % 1_000_000n);
    return new GoTime(Number(wall / 1_000_000_000n), Number(wall % 1_000_000_000n), LOCAL, ns - PROCESS_START);
  }

  static zero(): GoTime {
    return new GoTime(-62135596800, 0, UTC);
  }

  in(loc: Zone): GoTime {
    return new GoTime(this.sec, this.nsec, loc, this.mono);
  }

  /** Adds nanoseconds (as Go's Add, keeping the monotonic reading). */
  add(ns: bigint): GoTime {
    const total = BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec) + ns;
    const sec = total / 1_000_000_000n - (total % 1_000_000_000n < 0n ? 1n : 0n);
    const nsec = total - sec * 1_000_000_000n;
    return new GoTime(Number(sec), Number(nsec), this.loc, this.mono === undefined ? undefined : this.mono + ns);
  }

  /** Broken-down fields in the time's location. */
  fields(): {
    year: number;
    month: number;
    day: number;
    hour: number;
    min: number;
    sec: number;
    wday: number;
    yday: number;
    offset: number;
    abbr: string;
  } {
    const { offset, abbr } = this.loc.lookup(this.sec);
    const local = this.sec + offset;
    const days = floorDiv(local, 86400);
    const rem = local - days * 86400;
    const { year, month, day } = civil(days);
    const yday = days - daysFromCivil(year, 1, 1) + 1;
    return {
      year,
      month,
      day,
      hour: floorDiv(rem, 3600),
      min: floorDiv(rem % 3600, 60),
      sec: rem % 60,
      wday: (((days + 4) % 7) + 7) % 7,
      yday,
      offset,
      abbr,
    };
  }

  format(layout: string): string {
    return formatTime(this, layout);
  }

  unixNanos(): bigint {
    return BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec);
  }

  /** time.Time.AddDate: time.Date(year+y, month+m, day+d, ...) in the same location (Date normalises). */
  addDate(y: number, m: number, d: number): GoTime {
    const f = this.fields();
    const local = daysFromCivil(f.year + y, f.month + m, f.day + d) * 86400 + f.hour * 3600 + f.min * 60 + f.sec;
    // time.Date: the offset in effect at the guessed instant, looked up again if the guess moved it.
    let offset = this.loc.lookup(local).offset;
    const again = this.loc.lookup(local - offset).offset;
    if (again !== offset) offset = again;
    return new GoTime(local - offset, this.nsec, this.loc);
  }

  /** Truncate / Round: to a multiple of d since the zero time (year 1), without the monotonic reading. */
  roundTo(d: bigint, round: boolean): GoTime {
    const plain = new GoTime(this.sec, this.nsec, this.loc);
    if (d <= 0n) return plain;
    const sinceZero = (BigInt(this.sec) + 62135596800n) * 1_000_000_000n + BigInt(this.nsec);
    const r = ((sinceZero % d) + d) % d;
    if (!round) return plain.add(-r);
    // Round halves up (time.go: lessThanHalf).
    return r + r < d ? plain.add(-r) : plain.add(d - r);
  }

  goType(): string {
    return 'time.Time';
  }
  goKind(): string {
    return 'struct';
  }
  goString(): string {
    let s = this.format('2006-01-02 15:04:05.999999999 -0700 MST');
    if (this.mono !== undefined) {
      const m = this.mono;
      const sign = m < 0n ? '-' : '+';
      const a = m < 0n ? -m : m;
      s += ` m=${sign}${a / 1_000_000_000n}.${String(a % 1_000_000_000n).padStart(9, '0')}`;
    }
    return s;
  }
  /** time.Time's GoString: a time.Date(...) call in the time's own location. */
  override goSyntax(): string {
    const f = this.fields();
    const loc = this.loc === UTC ? 'time.UTC' : this.loc === LOCAL ? 'time.Local' : `time.Location(${quote(this.loc.name)})`;
    const month = `time.${LONG_MONTHS[f.month - 1]!}`;
    return `time.Date(${f.year}, ${month}, ${f.day}, ${f.hour}, ${f.min}, ${f.sec}, ${this.nsec}, ${loc})`;
  }
  marshalJSON(): string {
    return '"' + this.format('2006-01-02T15:04:05.999999999Z07:00') + '"';
  }
  override member(name: string): { field: Value } | GoMethod | undefined {
    const f = () => this.fields();
    const int = (g: () => number): GoMethod => ({ sig: 'func() int', fn: () => BigInt(g()) });
    switch (name) {
      case 'Format':
        return { sig: 'func(string) string', fn: (l: string) => this.format(l) };
      case 'String':
        return { sig: 'func() string', fn: () => this.goString() };
      case 'Unix':
        return { sig: 'func() int64', fn: () => BigInt(this.sec) };
      case 'UnixNano':
        return { sig: 'func() int64', fn: () => BigInt.asIntN(64, BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec)) };
      case 'UnixMilli':
        return { sig: 'func() int64', fn: () => BigInt(this.sec) * 1000n + BigInt(Math.floor(this.nsec / 1e6)) };
      // setLoc strips the monotonic reading (time.go), so these print without `m=`.
      case 'UTC':
        return { sig: 'func() time.Time', fn: () => new GoTime(this.sec, this.nsec, UTC) };
      case 'Local':
        return { sig: 'func() time.Time', fn: () => new GoTime(this.sec, this.nsec, LOCAL) };
      case 'UnixMicro':
        return { sig: 'func() int64', fn: () => BigInt(this.sec) * 1_000_000n + BigInt(Math.floor(this.nsec / 1e3)) };
      case 'Month':
        return { sig: 'func() time.Month', fn: () => new GoNamedInt('time.Month', BigInt(f().month), LONG_MONTHS[f().month - 1]!) };
      case 'Weekday':
        return { sig: 'func() time.Weekday', fn: () => new GoNamedInt('time.Weekday', BigInt(f().wday), LONG_DAYS[f().wday]!) };
      case 'AddDate':
        return { sig: 'func(int, int, int) time.Time', fn: (y: bigint, m: bigint, d: bigint) => this.addDate(Number(y), Number(m), Number(d)) };
      case 'Add':
        return { sig: 'func(time.Duration) time.Time', fn: (d: bigint | GoDuration) => this.add(nanos(d)) };
      case 'Sub':
        return { sig: 'func(time.Time) time.Duration', fn: (u: GoTime) => new GoDuration(clampInt64(this.unixNanos() - u.unixNanos())) };
      case 'Before':
        return { sig: 'func(time.Time) bool', fn: (u: GoTime) => this.unixNanos() < u.unixNanos() };
      case 'After':
        return { sig: 'func(time.Time) bool', fn: (u: GoTime) => this.unixNanos() > u.unixNanos() };
      case 'Equal':
        return { sig: 'func(time.Time) bool', fn: (u: GoTime) => this.unixNanos() === u.unixNanos() };
      case 'Truncate':
        return { sig: 'func(time.Duration) time.Time', fn: (d: bigint | GoDuration) => this.roundTo(nanos(d), false) };
      case 'Round':
        return { sig: 'func(time.Duration) time.Time', fn: (d: bigint | GoDuration) => this.roundTo(nanos(d), true) };
      case 'Year':
        return int(() => f().year);
      case 'Day':
        return int(() => f().day);
      case 'Hour':
        return int(() => f().hour);
      case 'Minute':
        return int(() => f().min);
      case 'Second':
        return int(() => f().sec);
      case 'Nanosecond':
        return int(() => this.nsec);
      case 'YearDay':
        return int(() => f().yday);
      case 'IsZero':
        return { sig: 'func() bool', fn: () => this.sec === -62135596800 && this.nsec === 0 };
      case 'Location':
        return { sig: 'func() *time.Location', fn: () => new GoLocation(this.loc) };
      // setLoc strips the monotonic reading.
      case 'In':
        return { sig: 'func(*time.Location) time.Time', fn: (l: GoLocation) => new GoTime(this.sec, this.nsec, l.zone) };
    }
    return undefined;
  }
}

const PROCESS_START = process.hrtime.bigint() - 1n;

const clampInt64 = (n: bigint): bigint => (n > (1n << 63n) - 1n ? (1n << 63n) - 1n : n < -(1n << 63n) ? -(1n << 63n) : n);
const nanos = (d: bigint | GoDuration): bigint => (d instanceof GoDuration ? d.ns : d);

/** A *time.Location (what Time.Location returns): printed as its name. */
export class GoLocation extends GoObject {
  constructor(readonly zone: Zone) {
    super();
  }
  goType(): string {
    return '*time.Location';
  }
  goKind(): string {
    return 'ptr';
  }
  goString(): string {
    return this.zone.name;
  }
  override member(name: string): GoMethod | undefined {
    return name === 'String' ? { sig: 'func() string', fn: () => this.zone.name } : undefined;
  }
}

const MIN_DURATION = -(1n << 63n);
const MAX_DURATION = (1n << 63n) - 1n;
/** uint64(x)+uint64(x) < uint64(y), as time.lessThanHalf. */
const lessThanHalf = (x: bigint, y: bigint) => BigInt.asUintN(64, BigInt.asUintN(64, x) * 2n) < BigInt.asUintN(64, y);

/** time.Duration.Round. */
function roundDuration(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  let r = d % m;
  if (d < 0n) {
    r = -r;
    if (lessThanHalf(r, m)) return d + r;
    const d1 = d - m + r;
    return d1 < d && d1 >= MIN_DURATION ? d1 : MIN_DURATION;
  }
  if (lessThanHalf(r, m)) return d - r;
  const d1 = d + m - r;
  return d1 > d && d1 <= MAX_DURATION ? d1 : MAX_DURATION;
}

/** time.Month and time.Weekday: ints whose String() is the English name (what a template prints). */
export class GoNamedInt extends GoObject {
  constructor(
    readonly type: string,
    readonly n: bigint,
    readonly name: string,
  ) {
    super();
  }
  goType(): string {
    return this.type;
  }
  goKind(): string {
    return 'int';
  }
  goString(): string {
    return this.name;
  }
  override underlyingInt(): bigint {
    return this.n;
  }
  override member(name: string): GoMethod | undefined {
    return name === 'String' ? { sig: 'func() string', fn: () => this.name } : undefined;
  }
}

/** time.Duration (what Time.Sub returns): int64 nanoseconds, printed as Duration.String. */
export class GoDuration extends GoObject {
  constructor(readonly ns: bigint) {
    super();
  }
  goType(): string {
    return 'time.Duration';
  }
  goKind(): string {
    return 'int64';
  }
  goString(): string {
    return durationString(this.ns);
  }
  override underlyingInt(): bigint {
    return this.ns;
  }
  override member(name: string): GoMethod | undefined {
    const float = (unit: bigint): GoMethod => ({ sig: 'func() float64', fn: () => Number(this.ns / unit) + Number(this.ns % unit) / Number(unit) });
    switch (name) {
      case 'String':
        return { sig: 'func() string', fn: () => this.goString() };
      case 'Nanoseconds':
        return { sig: 'func() int64', fn: () => this.ns };
      case 'Microseconds':
        return { sig: 'func() int64', fn: () => this.ns / 1000n };
      case 'Milliseconds':
        return { sig: 'func() int64', fn: () => this.ns / 1_000_000n };
      case 'Seconds':
        return float(1_000_000_000n);
      case 'Minutes':
        return float(60_000_000_000n);
      case 'Hours':
        return float(3_600_000_000_000n);
      case 'Round':
        return { sig: 'func(time.Duration) time.Duration', fn: (m: bigint | GoDuration) => new GoDuration(roundDuration(this.ns, nanos(m))) };
      case 'Truncate':
        return { sig: 'func(time.Duration) time.Duration', fn: (m: bigint | GoDuration) => new GoDuration(nanos(m) <= 0n ? this.ns : this.ns - (this.ns % nanos(m))) };
      case 'Abs':
        return { sig: 'func() time.Duration', fn: () => new GoDuration(this.ns >= 0n ? this.ns : this.ns === MIN_DURATION ? MAX_DURATION : -this.ns) };
    }
    return undefined;
  }
}

// ---- layouts ------------------------------------------------------------------------------------------

type Std =
  | 'LongMonth'
  | 'Month'
  | 'NumMonth'
  | 'ZeroMonth'
  | 'LongWeekDay'
  | 'WeekDay'
  | 'Day'
  | 'UnderDay'
  | 'ZeroDay'
  | 'UnderYearDay'
  | 'ZeroYearDay'
  | 'Hour'
  | 'Hour12'
  | 'ZeroHour12'
  | 'Minute'
  | 'ZeroMinute'
  | 'Second'
  | 'ZeroSecond'
  | 'LongYear'
  | 'Year'
  | 'PM'
  | 'pm'
  | 'TZ'
  | 'ISO8601TZ'
  | 'ISO8601SecondsTZ'
  | 'ISO8601ShortTZ'
  | 'ISO8601ColonTZ'
  | 'ISO8601ColonSecondsTZ'
  | 'NumTZ'
  | 'NumSecondsTz'
  | 'NumShortTZ'
  | 'NumColonTZ'
  | 'NumColonSecondsTZ'
  | 'FracSecond0'
  | 'FracSecond9';

interface Chunk {
  prefix: string;
  std?: Std;
  /** For fractional seconds: digit count and separator. */
  digits?: number;
  sep?: string;
  suffix: string;
}

const STD0X: Std[] = ['ZeroMonth', 'ZeroDay', 'ZeroHour12', 'ZeroMinute', 'ZeroSecond', 'Year'];
const isDigitAt = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';
const startsLower = (s: string): boolean => s.length > 0 && s[0]! >= 'a' && s[0]! <= 'z';

/** time's nextStdChunk: the text before the next layout element, the element, and the rest. */
function nextStdChunk(layout: string): Chunk {
  const cut = (i: number, std: Std, n: number): Chunk => ({ prefix: layout.slice(0, i), std, suffix: layout.slice(i + n) });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i]!;
    const at = (s: string): boolean => layout.startsWith(s, i);
    switch (c) {
      case 'J':
        if (at('Jan')) {
          if (at('January')) return cut(i, 'LongMonth', 7);
          if (!startsLower(layout.slice(i + 3))) return cut(i, 'Month', 3);
        }
        break;
      case 'M':
        if (at('Mon')) {
          if (at('Monday')) return cut(i, 'LongWeekDay', 6);
          if (!startsLower(layout.slice(i + 3))) return cut(i, 'WeekDay', 3);
        }
        if (at('MST')) return cut(i, 'TZ', 3);
        break;
      case '0':
        if (i + 1 < layout.length && layout[i + 1]! >= '1' && layout[i + 1]! <= '6') return cut(i, STD0X[layout.charCodeAt(i + 1) - 49]!, 2);
        if (at('002')) return cut(i, 'ZeroYearDay', 3);
        break;
      case '1':
        if (at('15')) return cut(i, 'Hour', 2);
        return cut(i, 'NumMonth', 1);
      case '2':
        if (at('2006')) return cut(i, 'LongYear', 4);
        return cut(i, 'Day', 1);
      case '_':
        if (at('_2')) {
          if (at('_2006')) return { prefix: layout.slice(0, i + 1), std: 'LongYear', suffix: layout.slice(i + 5) };
          return cut(i, 'UnderDay', 2);
        }
        if (at('__2')) return cut(i, 'UnderYearDay', 3);
        break;
      case '3':
        return cut(i, 'Hour12', 1);
      case '4':
        return cut(i, 'Minute', 1);
      case '5':
        return cut(i, 'Second', 1);
      case 'P':
        if (at('PM')) return cut(i, 'PM', 2);
        break;
      case 'p':
        if (at('pm')) return cut(i, 'pm', 2);
        break;
      case '-':
        if (at('-070000')) return cut(i, 'NumSecondsTz', 7);
        if (at('-07:00:00')) return cut(i, 'NumColonSecondsTZ', 9);
        if (at('-0700')) return cut(i, 'NumTZ', 5);
        if (at('-07:00')) return cut(i, 'NumColonTZ', 6);
        if (at('-07')) return cut(i, 'NumShortTZ', 3);
        break;
      case 'Z':
        if (at('Z070000')) return cut(i, 'ISO8601SecondsTZ', 7);
        if (at('Z07:00:00')) return cut(i, 'ISO8601ColonSecondsTZ', 9);
        if (at('Z0700')) return cut(i, 'ISO8601TZ', 5);
        if (at('Z07:00')) return cut(i, 'ISO8601ColonTZ', 6);
        if (at('Z07')) return cut(i, 'ISO8601ShortTZ', 3);
        break;
      case '.':
      case ',':
        if (i + 1 < layout.length && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
          const ch = layout[i + 1]!;
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            return { prefix: layout.slice(0, i), std: ch === '0' ? 'FracSecond0' : 'FracSecond9', digits: j - (i + 1), sep: c, suffix: layout.slice(j) };
          }
        }
        break;
    }
  }
  return { prefix: layout, suffix: '' };
}

const pad = (n: number, w: number): string => (n < 0 ? '-' + String(-n).padStart(w, '0') : String(n).padStart(w, '0'));

function appendNano(nsec: number, digits: number, sep: string, trim: boolean): string {
  if (trim && (digits === 0 || nsec === 0)) return '';
  let s = String(nsec).padStart(9, '0');
  if (digits < 9) s = s.slice(0, digits);
  if (trim) s = s.replace(/0+$/, '');
  return s === '' ? '' : sep + s;
}

/** Time.Format. */
export function formatTime(t: GoTime, layout: string): string {
  const f = t.fields();
  let out = '';
  for (;;) {
    const ch = nextStdChunk(layout);
    out += ch.prefix;
    if (ch.std === undefined) break;
    layout = ch.suffix;
    switch (ch.std) {
      case 'Year':
        out += pad(((f.year % 100) + 100) % 100, 2);
        break;
      case 'LongYear':
        out += pad(f.year, 4);
        break;
      case 'Month':
        out += LONG_MONTHS[f.month - 1]!.slice(0, 3);
        break;
      case 'LongMonth':
        out += LONG_MONTHS[f.month - 1]!;
        break;
      case 'NumMonth':
        out += f.month;
        break;
      case 'ZeroMonth':
        out += pad(f.month, 2);
        break;
      case 'WeekDay':
        out += LONG_DAYS[f.wday]!.slice(0, 3);
        break;
      case 'LongWeekDay':
        out += LONG_DAYS[f.wday]!;
        break;
      case 'Day':
        out += f.day;
        break;
      case 'UnderDay':
        out += (f.day < 10 ? ' ' : '') + f.day;
        break;
      case 'ZeroDay':
        out += pad(f.day, 2);
        break;
      case 'UnderYearDay':
        out += (f.yday < 100 ? ' ' : '') + (f.yday < 10 ? ' ' : '') + f.yday;
        break;
      case 'ZeroYearDay':
        out += pad(f.yday, 3);
        break;
      case 'Hour':
        out += pad(f.hour, 2);
        break;
      case 'Hour12':
        out += f.hour % 12 === 0 ? 12 : f.hour % 12;
        break;
      case 'ZeroHour12':
        out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2);
        break;
      case 'Minute':
        out += f.min;
        break;
      case 'ZeroMinute':
        out += pad(f.min, 2);
        break;
      case 'Second':
        out += f.sec;
        break;
      case 'ZeroSecond':
        out += pad(f.sec, 2);
        break;
      case 'PM':
        out += f.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += f.hour >= 12 ? 'pm' : 'am';
        break;
      case 'ISO8601TZ':
      case 'ISO8601ColonTZ':
      case 'ISO8601SecondsTZ':
      case 'ISO8601ShortTZ':
      case 'ISO8601ColonSecondsTZ':
      case 'NumTZ':
      case 'NumColonTZ':
      case 'NumSecondsTz':
      case 'NumShortTZ':
      case 'NumColonSecondsTZ': {
        const iso = ch.std.startsWith('ISO');
        if (iso && f.offset === 0) {
          out += 'Z';
          break;
        }
        let zone = Math.trunc(f.offset / 60);
        let abs = f.offset;
        if (zone < 0) {
          out += '-';
          zone = -zone;
          abs = -abs;
        } else out += '+';
        out += pad(Math.trunc(zone / 60), 2);
        const colon = ch.std.includes('Colon');
        if (colon) out += ':';
        if (ch.std !== 'NumShortTZ' && ch.std !== 'ISO8601ShortTZ') out += pad(zone % 60, 2);
        if (ch.std.includes('Seconds')) {
          if (colon) out += ':';
          out += pad(abs % 60, 2);
        }
        break;
      }
      case 'TZ': {
        if (f.abbr !== '') {
          out += f.abbr;
          break;
        }
        let zone = Math.trunc(f.offset / 60);
        if (zone < 0) {
          out += '-';
          zone = -zone;
        } else out += '+';
        out += pad(Math.trunc(zone / 60), 2) + pad(zone % 60, 2);
        break;
      }
      case 'FracSecond0':
      case 'FracSecond9':
        out += appendNano(t.nsec, ch.digits!, ch.sep!, ch.std === 'FracSecond9');
        break;
    }
  }
  return out;
}

/** time's own quoting in error messages: ASCII kept (with \" and \\), other bytes as \xNN. */
export function timeQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || c < 0x20) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += (c === 0x22 || c === 0x5c ? '\\' : '') + s[i];
  }
  return out + '"';
}

class ParseErr extends Error {}

const SHORT_MONTHS = LONG_MONTHS.map((m) => m.slice(0, 3));
const SHORT_DAYS = LONG_DAYS.map((d) => d.slice(0, 3));

function lookupName(tab: string[], val: string): [number, string] | undefined {
  for (let i = 0; i < tab.length; i++) {
    const v = tab[i]!;
    if (val.length >= v.length && val.slice(0, v.length).toLowerCase() === v.toLowerCase()) return [i, val.slice(v.length)];
  }
  return undefined;
}

function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigitAt(s, 0)) return undefined;
  if (!isDigitAt(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] | undefined {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + Number(s[i]);
  if (i === 0 || (fixed && i !== 3)) return undefined;
  return [n, s.slice(i)];
}

const cutspace = (s: string): string => s.replace(/^ +/, '');

/** time's skip: consumes the layout's literal text; on a mismatch, what is left of value (for the error). */
function skip(value: string, prefix: string): [string, boolean] {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') return [value, false];
      prefix = cutspace(prefix);
      value = cutspace(value);
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return [value, false];
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return [value, true];
}

function atoiTime(s: string): number | undefined {
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (!m) return undefined;
  const n = Number(m[2]);
  return m[1] === '-' ? -n : n;
}

function parseNanoseconds(value: string, nbytes: number): number | undefined {
  if (value[0] !== '.' && value[0] !== ',') return undefined;
  if (nbytes > 10) nbytes = 10;
  const ns = atoiTime(value.slice(1, nbytes));
  if (ns === undefined) return undefined;
  return ns * 10 ** (10 - nbytes);
}

/** time's parseTimeZone: the length of a zone abbreviation at the start of value, or 0. */
function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) {
    const m = /^GMT([+-][0-9]+)?/.exec(value)!;
    if (m[1] === undefined) return 3;
    const n = Number(m[1]);
    return n < -23 || n > 23 ? 3 : m[0].length;
  }
  if (value[0] === '+' || value[0] === '-') {
    const m = /^[+-]([0-9]+)(?::?([0-9]{2}))?/.exec(value);
    if (!m) return 0;
    if (Number(m[1]) > 24) return 0;
    return m[0].length;
  }
  let n = 0;
  while (n < 6 && n < value.length && value[n]! >= 'A' && value[n]! <= 'Z') n++;
  if (n === 5 && value[4] === 'T') return 5;
  if (n === 4 && (value[3] === 'T' || value.startsWith('WITA'))) return 4;
  if (n === 3) return 3;
  return 0;
}

/** time.ParseInLocation(layout, value, Local). Throws Go's ParseError text. */
export function parseTime(layout: string, value: string): GoTime {
  const alayout = layout;
  const avalue = value;
  const parseError = (layoutElem: string, valueElem: string, message = ''): ParseErr =>
    new ParseErr(
      message === ''
        ? `parsing time ${timeQuote(avalue)} as ${timeQuote(alayout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`
        : `parsing time ${timeQuote(avalue)}${message}`,
    );
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let z: Zone | undefined;
  let zoneOffset = -1;
  let zoneName = '';
  for (;;) {
    const ch = nextStdChunk(layout);
    const stdstr = layout.slice(ch.prefix.length, layout.length - ch.suffix.length);
    const [rest, ok] = skip(value, ch.prefix);
    if (!ok) throw parseError(ch.prefix, rest);
    value = rest;
    if (ch.std === undefined) {
      if (value.length !== 0) throw parseError('', value, `: extra text: ${timeQuote(value)}`);
      break;
    }
    layout = ch.suffix;
    const hold = value;
    let bad = false;
    let rangeErr = '';
    const take = (r: [number, string] | undefined): number => {
      if (!r) {
        bad = true;
        return 0;
      }
      value = r[1];
      return r[0];
    };
    switch (ch.std) {
      case 'Year': {
        if (value.length < 2) {
          bad = true;
          break;
        }
        const y = atoiTime(value.slice(0, 2));
        value = value.slice(2);
        if (y === undefined) bad = true;
        else year = y >= 69 ? y + 1900 : y + 2000;
        break;
      }
      case 'LongYear': {
        if (value.length < 4 || !isDigitAt(value, 0)) {
          bad = true;
          break;
        }
        const y = atoiTime(value.slice(0, 4));
        value = value.slice(4);
        if (y === undefined) bad = true;
        else year = y;
        break;
      }
      case 'Month':
      case 'LongMonth':
        month = take(lookupName(ch.std === 'Month' ? SHORT_MONTHS : LONG_MONTHS, value)) + 1;
        break;
      case 'NumMonth':
      case 'ZeroMonth':
        month = take(getnum(value, ch.std === 'ZeroMonth'));
        if (!bad && (month <= 0 || month > 12)) rangeErr = 'month';
        break;
      case 'WeekDay':
      case 'LongWeekDay':
        take(lookupName(ch.std === 'WeekDay' ? SHORT_DAYS : LONG_DAYS, value));
        break;
      case 'Day':
      case 'UnderDay':
      case 'ZeroDay':
        if (ch.std === 'UnderDay' && value[0] === ' ') value = value.slice(1);
        day = take(getnum(value, ch.std === 'ZeroDay'));
        break;
      case 'UnderYearDay':
      case 'ZeroYearDay':
        for (let i = 0; i < 2; i++) if (ch.std === 'UnderYearDay' && value[0] === ' ') value = value.slice(1);
        yday = take(getnum3(value, ch.std === 'ZeroYearDay'));
        break;
      case 'Hour':
        hour = take(getnum(value, false));
        if (hour < 0 || hour >= 24) rangeErr = 'hour';
        break;
      case 'Hour12':
      case 'ZeroHour12':
        hour = take(getnum(value, ch.std === 'ZeroHour12'));
        if (hour < 0 || hour > 12) rangeErr = 'hour';
        break;
      case 'Minute':
      case 'ZeroMinute':
        min = take(getnum(value, ch.std === 'ZeroMinute'));
        if (min < 0 || min >= 60) rangeErr = 'minute';
        break;
      case 'Second':
      case 'ZeroSecond': {
        sec = take(getnum(value, ch.std === 'ZeroSecond'));
        if (bad) break;
        if (sec < 0 || sec >= 60) {
          rangeErr = 'second';
          break;
        }
        if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigitAt(value, 1)) {
          const next = nextStdChunk(layout).std;
          if (next === 'FracSecond0' || next === 'FracSecond9') break;
          let n = 2;
          while (n < value.length && isDigitAt(value, n)) n++;
          const ns = parseNanoseconds(value, n);
          if (ns === undefined) bad = true;
          else nsec = ns;
          value = value.slice(n);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        if (value.length < 2) {
          bad = true;
          break;
        }
        const p = value.slice(0, 2);
        value = value.slice(2);
        const [pmText, amText] = ch.std === 'PM' ? ['PM', 'AM'] : ['pm', 'am'];
        if (p === pmText) pmSet = true;
        else if (p === amText) amSet = true;
        else bad = true;
        break;
      }
      case 'ISO8601TZ':
      case 'ISO8601ShortTZ':
      case 'ISO8601ColonTZ':
      case 'ISO8601SecondsTZ':
      case 'ISO8601ColonSecondsTZ':
      case 'NumTZ':
      case 'NumShortTZ':
      case 'NumColonTZ':
      case 'NumSecondsTz':
      case 'NumColonSecondsTZ': {
        if (ch.std.startsWith('ISO') && value[0] === 'Z') {
          value = value.slice(1);
          z = UTC;
          break;
        }
        let sign: string;
        let hh: string;
        let mm = '00';
        let ss = '00';
        const s = ch.std;
        if (s === 'ISO8601ColonTZ' || s === 'NumColonTZ') {
          if (value.length < 6 || value[3] !== ':') {
            bad = true;
            break;
          }
          [sign, hh, mm, value] = [value.slice(0, 1), value.slice(1, 3), value.slice(4, 6), value.slice(6)];
        } else if (s === 'NumShortTZ' || s === 'ISO8601ShortTZ') {
          if (value.length < 3) {
            bad = true;
            break;
          }
          [sign, hh, value] = [value.slice(0, 1), value.slice(1, 3), value.slice(3)];
        } else if (s === 'ISO8601ColonSecondsTZ' || s === 'NumColonSecondsTZ') {
          if (value.length < 9 || value[3] !== ':' || value[6] !== ':') {
            bad = true;
            break;
          }
          [sign, hh, mm, ss, value] = [value.slice(0, 1), value.slice(1, 3), value.slice(4, 6), value.slice(7, 9), value.slice(9)];
        } else if (s === 'ISO8601SecondsTZ' || s === 'NumSecondsTz') {
          if (value.length < 7) {
            bad = true;
            break;
          }
          [sign, hh, mm, ss, value] = [value.slice(0, 1), value.slice(1, 3), value.slice(3, 5), value.slice(5, 7), value.slice(7)];
        } else {
          if (value.length < 5) {
            bad = true;
            break;
          }
          [sign, hh, mm, value] = [value.slice(0, 1), value.slice(1, 3), value.slice(3, 5), value.slice(5)];
        }
        const h = getnum(hh, true);
        const m = h && getnum(mm, true);
        const sc = m && getnum(ss, true);
        if (!h || !m || !sc) {
          bad = true;
          break;
        }
        if (h[0] > 24) rangeErr = 'time zone offset hour';
        if (m[0] > 60) rangeErr = 'time zone offset minute';
        if (sc[0] > 60) rangeErr = 'time zone offset second';
        zoneOffset = (h[0] * 60 + m[0]) * 60 + sc[0];
        if (sign === '-') zoneOffset = -zoneOffset;
        else if (sign !== '+') bad = true;
        break;
      }
      case 'TZ': {
        if (value.startsWith('UTC')) {
          z = UTC;
          value = value.slice(3);
          break;
        }
        const n = parseTimeZone(value);
        if (n === 0) {
          bad = true;
          break;
        }
        zoneName = value.slice(0, n);
        value = value.slice(n);
        break;
      }
      case 'FracSecond0': {
        const nd = 1 + ch.digits!;
        if (value.length < nd) {
          bad = true;
          break;
        }
        const ns = parseNanoseconds(value, nd);
        if (ns === undefined) bad = true;
        else nsec = ns;
        value = value.slice(nd);
        break;
      }
      case 'FracSecond9': {
        if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigitAt(value, 1)) break;
        let i = 0;
        while (i + 1 < value.length && isDigitAt(value, i + 1)) i++;
        const ns = parseNanoseconds(value, 1 + i);
        if (ns === undefined) bad = true;
        else nsec = ns;
        value = value.slice(1 + i);
        break;
      }
    }
    if (rangeErr !== '') throw parseError(stdstr, value, `: ${rangeErr} out of range`);
    if (bad) throw parseError(stdstr, hold);
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365) throw parseError('', value, ': day-of-year out of range');
    if (m === 0) {
      const before = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
      m = Math.floor((yday - 1) / 31) + 1;
      if (before[m]! < yday) m++;
      d = yday - before[m - 1]!;
    }
    if (month >= 0 && month !== m) throw parseError('', value, ': day-of-year does not match month');
    month = m;
    if (day >= 0 && day !== d) throw parseError('', value, ': day-of-year does not match day');
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw parseError('', value, ': day out of range');
  const wall = daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
  if (z) return new GoTime(wall, nsec, z);
  if (zoneOffset !== -1) {
    const t = wall - zoneOffset;
    if (zoneOffset === 0 && zoneName === '') return new GoTime(t, nsec, LOCAL);
    return new GoTime(t, nsec, fixedZone(zoneName, zoneOffset));
  }
  if (zoneName !== '') {
    // An unknown abbreviation keeps the wall clock as UTC and only labels it (Go's fake zone).
    let offset = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT')) offset = Number(zoneName.slice(3)) * 3600;
    return new GoTime(wall, nsec, fixedZone(zoneName, offset));
  }
  return new GoTime(wall, nsec, LOCAL);
}

// ---- durations ----------------------------------------------------------------------------------------

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  '\xc2\xb5s': 1000n, // U+00B5 (micro sign), as UTF-8 bytes
  '\xce\xbcs': 1000n, // U+03BC (Greek mu)
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** time.ParseDuration on a Go string; throws Go's error text. */
export function parseDuration(orig: string): bigint {
  let s = orig;
  const invalid = (): Error => new Error(`time: invalid duration ${timeQuote(orig)}`);
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let d = 0n;
  const LIMIT = 1n << 63n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigitAt(s, 0))) throw invalid();
    const intm = /^[0-9]*/.exec(s)![0];
    let v = intm === '' ? 0n : BigInt(intm);
    if (v > LIMIT) throw invalid();
    s = s.slice(intm.length);
    const pre = intm !== '';
    let post = false;
    let f = 0n;
    let scale = 1;
    if (s[0] === '.') {
      s = s.slice(1);
      const fr = /^[0-9]*/.exec(s)![0];
      post = fr !== '';
      let overflow = false;
      for (const c of fr) {
        if (overflow) continue;
        if (f > (LIMIT - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(c);
        if (y > LIMIT) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      s = s.slice(fr.length);
    }
    if (!pre && !post) throw invalid();
    let i = 0;
    while (i < s.length && s[i] !== '.' && !isDigitAt(s, i)) i++;
    if (i === 0) throw new Error(`time: missing unit in duration ${timeQuote(orig)}`);
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNITS[u];
    if (unit === undefined) throw new Error(`time: unknown unit ${timeQuote(u)} in duration ${timeQuote(orig)}`);
    if (v > LIMIT / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > LIMIT) throw invalid();
    }
    d += v;
    if (d > LIMIT) throw invalid();
  }
  if (neg) return -d;
  if (d > LIMIT - 1n) throw invalid();
  return d;
}

function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let out = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) out = String(digit) + out;
    v /= 10n;
  }
  if (print) out = '.' + out;
  return [out, v];
}

/** time.Duration.String. */
export function durationString(d: bigint): string {
  d = BigInt.asIntN(64, d);
  const neg = d < 0n;
  let u = neg ? -d : d;
  if (neg && u < 0n) u = 1n << 63n;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < 1000n) [prec, unit] = [0, 'ns'];
    else if (u < 1_000_000n) [prec, unit] = [3, '\xc2\xb5s'];
    else [prec, unit] = [6, 'ms'];
    const [frac, rest] = fmtFrac(u, prec);
    out = String(rest) + frac + unit;
  } else {
    const [frac, secs] = fmtFrac(u, 9);
    out = String(secs % 60n) + frac + 's';
    const m = secs / 60n;
    if (m > 0n) {
      out = String(m % 60n) + 'm' + out;
      const h = m / 60n;
      if (h > 0n) out = String(h) + 'h' + out;
    }
  }
  return neg ? '-' + out : out;
}

/** time.Since(t) in nanoseconds. */
export function since(t: GoTime): bigint {
  const now = GoTime.now();
  return (BigInt(now.sec) - BigInt(t.sec)) * 1_000_000_000n + BigInt(now.nsec - t.nsec);
}
