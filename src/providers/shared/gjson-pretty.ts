// github.com/tidwall/pretty v1.2.1 (the version ESO v2.9.0 pins; gjson's @pretty and @ugly call it),
// ported on binary strings (one char per byte). Only Pretty, PrettyOptions and Ugly.

import { goParseFloat, goUnquoteLoose } from './gjson-num.js';

export interface PrettyOptions {
  width: number;
  prefix: string;
  indent: string;
  sortKeys: boolean;
}

export const DEFAULT_PRETTY: PrettyOptions = { width: 80, prefix: '', indent: '  ', sortKeys: false };

/** pretty.Ugly */
export function ugly(src: string): string {
  let dst = '';
  for (let i = 0; i < src.length; i++) {
    if (src.charCodeAt(i) > 0x20) {
      dst += src[i];
      if (src[i] === '"') {
        for (i = i + 1; i < src.length; i++) {
          dst += src[i];
          if (src[i] === '"') {
            let j = i - 1;
            for (; ; j--) if (src[j] !== '\\') break;
            if ((j - i) % 2 !== 0) break;
          }
        }
      }
    }
  }
  return dst;
}

/** Go's []byte buf: appends, and edits only near its end (the last byte, a truncation, a tail). */
class Buf {
  private parts: string[] = [];
  private starts: number[] = [];
  len = 0;
  s(): string {
    return this.parts.join('');
  }
  push(x: string): void {
    if (x.length === 0) return;
    this.parts.push(x);
    this.starts.push(this.len);
    this.len += x.length;
  }
  last(): string {
    const t = this.parts[this.parts.length - 1];
    return t ? t[t.length - 1]! : '';
  }
  setLast(c: string): void {
    const k = this.parts.length - 1;
    this.parts[k] = this.parts[k]!.slice(0, -1) + c;
  }
  /** The text from `start` to the end. */
  tailFrom(start: number): string {
    let k = this.parts.length - 1;
    while (k > 0 && this.starts[k]! > start) k--;
    return this.parts[k]!.slice(start - this.starts[k]!) + this.parts.slice(k + 1).join('');
  }
  truncate(n: number): void {
    while (this.parts.length && this.starts[this.parts.length - 1]! >= n) {
      this.parts.pop();
      this.starts.pop();
    }
    const k = this.parts.length - 1;
    if (k >= 0) this.parts[k] = this.parts[k]!.slice(0, n - this.starts[k]!);
    this.len = n;
  }
}

/** pretty.PrettyOptions */
export function prettyOptions(json: string, opts: PrettyOptions = DEFAULT_PRETTY): string {
  const buf = new Buf();
  if (opts.prefix.length !== 0) buf.push(opts.prefix);
  appendPrettyAny(buf, json, 0, true, opts.width, opts.prefix, opts.indent, opts.sortKeys, 0, 0, -1);
  if (buf.len > 0) buf.push('\n');
  return buf.s();
}

function isNaNOrInf(src: string, i: number): boolean {
  const c = src[i];
  return c === 'i' || c === 'I' || c === '+' || c === 'N' || (c === 'n' && src.length - i > 1 && src[i + 1] !== 'u');
}

type Ret = [number, number, boolean]; // i, nl, ok

function appendPrettyAny(
  buf: Buf, json: string, i: number, pretty: boolean, width: number, prefix: string, indent: string,
  sortkeys: boolean, tabs: number, nl: number, max: number,
): Ret {
  for (; i < json.length; i++) {
    const c = json[i]!;
    if (json.charCodeAt(i) <= 0x20) continue;
    if (c === '"') return appendPrettyString(buf, json, i, nl);
    if ((c >= '0' && c <= '9') || c === '-' || isNaNOrInf(json, i)) return appendPrettyNumber(buf, json, i, nl);
    if (c === '{') return appendPrettyObject(buf, json, i, '{', '}', pretty, width, prefix, indent, sortkeys, tabs, nl, max);
    if (c === '[') return appendPrettyObject(buf, json, i, '[', ']', pretty, width, prefix, indent, sortkeys, tabs, nl, max);
    switch (c) {
      case 't': buf.push('true'); return [i + 4, nl, true];
      case 'f': buf.push('false'); return [i + 5, nl, true];
      case 'n': buf.push('null'); return [i + 4, nl, true];
    }
  }
  return [i, nl, true];
}

interface Pair {
  kstart: number;
  kend: number;
  vstart: number;
  vend: number;
}

function jtype(v: string): number {
  if (v.length === 0) return 0;
  switch (v[0]) {
    case '"': return 3;
    case 'f': return 1;
    case 't': return 4;
    case 'n': return 0;
    case '[': case '{': return 5;
    default: return 2;
  }
}

// bytes.TrimSpace, ASCII part (values here are JSON text, whose edges are never other Unicode spaces).
const trimSpace = (s: string) => s.replace(/^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g, '');

function parsestr(s: string): string {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') return goUnquoteLoose(s);
    if (s[i] === '"') return s.slice(1, i);
  }
  return '';
}

function isLess(json: string, buf: { slice(a: number, b: number): string }, a: Pair, b: Pair, byVal: boolean): boolean {
  const k1 = json.slice(a.kstart, a.kend);
  const k2 = json.slice(b.kstart, b.kend);
  let v1: string;
  let v2: string;
  if (!byVal) {
    v1 = k1;
    v2 = k2;
  } else {
    v1 = trimSpace(buf.slice(a.vstart, a.vend));
    v2 = trimSpace(buf.slice(b.vstart, b.vend));
    if (v1.length >= k1.length + 1) v1 = trimSpace(v1.slice(k1.length + 1));
    if (v2.length >= k2.length + 1) v2 = trimSpace(v2.slice(k2.length + 1));
  }
  const t1 = jtype(v1);
  const t2 = jtype(v2);
  if (t1 < t2) return true;
  if (t1 > t2) return false;
  if (t1 === 3) return parsestr(v1) < parsestr(v2);
  if (t1 === 2) return goParseFloat(v1) < goParseFloat(v2);
  return v1 < v2;
}

function sortPairs(json: string, buf: Buf, pairs: Pair[]): void {
  if (pairs.length === 0) return;
  const vstart = pairs[0]!.vstart;
  const tail = buf.tailFrom(vstart);
  // isLess reads buf[p.vstart:p.vend]: the same text, offset by vstart.
  const b = { slice: (a: number, e: number) => tail.slice(a - vstart, e - vstart) };
  const less = (x: Pair, y: Pair) => {
    if (isLess(json, b, x, y, false)) return true;
    if (isLess(json, b, y, x, false)) return false;
    return isLess(json, b, x, y, true);
  };
  const sorted = stableSort(pairs, less);
  if (!sorted.swapped) return;
  const nb = sorted.out.map((p) => b.slice(p.vstart, p.vend)).join(',\n');
  buf.truncate(vstart);
  buf.push(nb);
}

/** Go's sort.Stable (insertion sort in blocks of 20, then SymMerge): the order, and whether it swapped. */
function stableSort<T>(items: T[], less: (a: T, b: T) => boolean): { out: T[]; swapped: boolean } {
  const a = items.slice();
  let swapped = false;
  const swap = (i: number, j: number) => {
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
    swapped = true;
  };
  const insertionSort = (lo: number, hi: number) => {
    for (let i = lo + 1; i < hi; i++) for (let j = i; j > lo && less(a[j]!, a[j - 1]!); j--) swap(j, j - 1);
  };
  const rotate = (m: number, lo: number, hi: number) => {
    // swapRange-based rotation as in sort.rotate
    let i = m - lo;
    let j = hi - m;
    const swapRange = (x: number, y: number, n: number) => {
      for (let k = 0; k < n; k++) swap(x + k, y + k);
    };
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (lo: number, m: number, hi: number): void => {
    if (m - lo === 1) {
      let i = m;
      let j = hi;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (less(a[h]!, a[lo]!)) i = h + 1;
        else j = h;
      }
      for (let k = lo; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (hi - m === 1) {
      let i = lo;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!less(a[m]!, a[h]!)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (lo + hi) >>> 1;
    const n = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = n - hi;
      r = mid;
    } else {
      start = lo;
      r = m;
    }
    const p = n - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!less(a[p - c]!, a[c]!)) start = c + 1;
      else r = c;
    }
    const end = n - start;
    if (start < m && m < end) rotate(m, start, end);
    if (lo < start && start < mid) symMerge(lo, start, mid);
    if (mid < end && end < hi) symMerge(mid, end, hi);
  };
  const n = a.length;
  let blockSize = 20;
  let lo = 0;
  let hi = blockSize;
  while (hi <= n) {
    insertionSort(lo, hi);
    lo = hi;
    hi += blockSize;
  }
  insertionSort(lo, n);
  while (blockSize < n) {
    lo = 0;
    hi = 2 * blockSize;
    while (hi <= n) {
      symMerge(lo, lo + blockSize, hi);
      lo = hi;
      hi += 2 * blockSize;
    }
    const m = lo + blockSize;
    if (m < n) symMerge(lo, m, n);
    blockSize *= 2;
  }
  return { out: a, swapped };
}

function appendPrettyObject(
  buf: Buf, json: string, i: number, open: string, close: string, pretty: boolean, width: number, prefix: string,
  indent: string, sortkeys: boolean, tabs: number, nl: number, max: number,
): Ret {
  let ok: boolean;
  if (width > 0) {
    if (pretty && open === '[' && max === -1) {
      const mx = width - (buf.len - nl);
      if (mx > 3) {
        const s1 = buf.len;
        const s2 = i;
        let r: Ret;
        r = appendPrettyObject(buf, json, i, '[', ']', false, width, prefix, '', sortkeys, 0, 0, mx);
        i = r[0];
        ok = r[2];
        if (ok && buf.len - s1 <= mx) return [i, nl, true];
        buf.truncate(s1);
        i = s2;
      }
    } else if (max !== -1 && open === '{') {
      return [i, nl, false];
    }
  }
  buf.push(open);
  i++;
  const pairs: Pair[] = [];
  let n = 0;
  for (; i < json.length; i++) {
    if (json.charCodeAt(i) <= 0x20) continue;
    if (json[i] === close) {
      if (pretty) {
        if (open === '{' && sortkeys) sortPairs(json, buf, pairs);
        if (n > 0) {
          nl = buf.len;
          if (buf.last() === ' ') buf.setLast('\n');
          else buf.push('\n');
        }
        if (buf.last() !== open) appendTabs(buf, prefix, indent, tabs);
      }
      buf.push(close);
      return [i + 1, nl, open !== '{'];
    }
    if (open === '[' || json[i] === '"') {
      if (n > 0) {
        buf.push(',');
        if (width !== -1 && open === '[') buf.push(' ');
      }
      const p: Pair = { kstart: 0, kend: 0, vstart: 0, vend: 0 };
      if (pretty) {
        nl = buf.len;
        if (buf.last() === ' ') buf.setLast('\n');
        else buf.push('\n');
        if (open === '{' && sortkeys) {
          p.kstart = i;
          p.vstart = buf.len;
        }
        appendTabs(buf, prefix, indent, tabs + 1);
      }
      if (open === '{') {
        let r = appendPrettyString(buf, json, i, nl);
        i = r[0];
        nl = r[1];
        if (sortkeys) p.kend = i;
        buf.push(':');
        if (pretty) buf.push(' ');
        void r;
      }
      const r = appendPrettyAny(buf, json, i, pretty, width, prefix, indent, sortkeys, tabs + 1, nl, max);
      i = r[0];
      nl = r[1];
      ok = r[2];
      if (max !== -1 && !ok) return [i, nl, false];
      if (pretty && open === '{' && sortkeys) {
        p.vend = buf.len;
        if (p.kstart > p.kend || p.vstart > p.vend) sortkeys = false;
        else pairs.push(p);
      }
      i--;
      n++;
    }
  }
  return [i, nl, open !== '{'];
}

function appendPrettyString(buf: Buf, json: string, i: number, nl: number): Ret {
  const s = i;
  i++;
  for (; i < json.length; i++) {
    if (json[i] === '"') {
      let sc = 0;
      for (let j = i - 1; j > s; j--) {
        if (json[j] === '\\') sc++;
        else break;
      }
      if (sc % 2 === 1) continue;
      i++;
      break;
    }
  }
  buf.push(json.slice(s, i));
  return [i, nl, true];
}

function appendPrettyNumber(buf: Buf, json: string, i: number, nl: number): Ret {
  const s = i;
  i++;
  for (; i < json.length; i++) {
    const c = json[i]!;
    if (json.charCodeAt(i) <= 0x20 || c === ',' || c === ':' || c === ']' || c === '}') break;
  }
  buf.push(json.slice(s, i));
  return [i, nl, true];
}

function appendTabs(buf: Buf, prefix: string, indent: string, tabs: number): void {
  if (prefix.length !== 0) buf.push(prefix);
  for (let i = 0; i < tabs; i++) buf.push(indent);
}
