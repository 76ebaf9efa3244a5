// Sprig's date functions (date.go) on GoTime. A non-time argument to date/dateInZone/htmlDate means
// "now", as in sprig; int, int32 and int64 are Unix seconds (int32 only for dateInZone's family).

import { GoInt, type Value } from '../values.js';
import type { FuncEntry } from './sprig-types.js';
import { durationString, GoTime, loadLocation, parseDuration, parseTime, since, UTC } from './sprig-time.js';

function toTime(date: Value, allowInt32: boolean): GoTime {
  if (date instanceof GoTime) return date;
  if (typeof date === 'bigint') return new GoTime(Number(date), 0, UTC);
  if (date instanceof GoInt && (date.kind === 'int64' || (allowInt32 && date.kind === 'int32'))) return new GoTime(Number(date.v), 0, UTC);
  return GoTime.now();
}

function dateInZone(layout: string, date: Value, zone: string): string {
  const loc = loadLocation(zone) ?? UTC;
  return toTime(date, true).in(loc).format(layout);
}

function durationRound(v: Value): string {
  let d = 0n;
  if (typeof v === 'string') {
    try {
      d = parseDuration(v);
    } catch {
      d = 0n;
    }
  } else if (v instanceof GoInt && v.kind === 'int64') d = v.v;
  else if (v instanceof GoTime) d = since(v);
  let u = BigInt.asUintN(64, d);
  if (d < 0n) u = BigInt.asUintN(64, -d);
  const HOUR = 3_600_000_000_000n;
  const steps: Array<[bigint, string]> = [
    [HOUR * 24n * 365n, 'y'],
    [HOUR * 24n * 30n, 'mo'],
    [HOUR * 24n, 'd'],
    [HOUR, 'h'],
    [60_000_000_000n, 'm'],
    [1_000_000_000n, 's'],
  ];
  for (const [unit, suffix] of steps) if (u > unit) return String(u / unit) + suffix;
  return '0s';
}

function duration(sec: Value): string {
  let n = 0n;
  if (typeof sec === 'string') {
    const m = /^[+-]?[0-9]+$/.exec(sec);
    n = m ? BigInt(sec) : 0n;
    if (n > (1n << 63n) - 1n || n < -(1n << 63n)) n = 0n;
  } else if (sec instanceof GoInt && sec.kind === 'int64') n = sec.v;
  return durationString(BigInt.asIntN(64, n * 1_000_000_000n));
}

const ND = { nondeterministic: true } as const;

export const dateFuncs: FuncEntry[] = [
  { name: 'now', sig: 'func() time.Time', fn: () => GoTime.now(), ...ND },
  { name: 'date', sig: 'func(string, interface {}) string', fn: (f: string, d: Value) => dateInZone(f, d, 'Local'), ...ND },
  { name: 'dateInZone', sig: 'func(string, interface {}, string) string', fn: dateInZone, ...ND },
  { name: 'date_in_zone', sig: 'func(string, interface {}, string) string', fn: dateInZone, ...ND },
  { name: 'htmlDate', sig: 'func(interface {}) string', fn: (d: Value) => dateInZone('2006-01-02', d, 'Local'), ...ND },
  {
    name: 'htmlDateInZone',
    sig: 'func(interface {}, string) string',
    fn: (d: Value, z: string) => dateInZone('2006-01-02', d, z),
    ...ND,
  },
  {
    name: 'dateModify',
    sig: 'func(string, time.Time) time.Time',
    fn: (f: string, t: GoTime) => {
      try {
        return t.add(parseDuration(f));
      } catch {
        return t;
      }
    },
    ...ND,
  },
  {
    name: 'date_modify',
    sig: 'func(string, time.Time) time.Time',
    fn: (f: string, t: GoTime) => {
      try {
        return t.add(parseDuration(f));
      } catch {
        return t;
      }
    },
    ...ND,
  },
  { name: 'mustDateModify', sig: 'func(string, time.Time) (time.Time, error)', fn: (f: string, t: GoTime) => t.add(parseDuration(f)) },
  { name: 'must_date_modify', sig: 'func(string, time.Time) (time.Time, error)', fn: (f: string, t: GoTime) => t.add(parseDuration(f)) },
  {
    name: 'ago',
    sig: 'func(interface {}) string',
    fn: (d: Value) => {
      const t = toTime(d, false);
      const ns = since(t);
      // Duration.Round(time.Second): halves away from zero.
      const s = 1_000_000_000n;
      let r = ns % s;
      if (r < 0n) r = -r;
      let q = ns - (ns % s);
      if (r + r >= s) q += ns < 0n ? -s : s;
      return durationString(q);
    },
    ...ND,
  },
  { name: 'duration', sig: 'func(interface {}) string', fn: duration },
  { name: 'durationRound', sig: 'func(interface {}) string', fn: durationRound },
  {
    name: 'toDate',
    sig: 'func(string, string) time.Time',
    fn: (f: string, s: string) => {
      try {
        return parseTime(f, s);
      } catch {
        return GoTime.zero();
      }
    },
  },
  { name: 'mustToDate', sig: 'func(string, string) (time.Time, error)', fn: (f: string, s: string) => parseTime(f, s) },
  { name: 'unixEpoch', sig: 'func(time.Time) string', fn: (t: GoTime) => String(t.sec) },
];
