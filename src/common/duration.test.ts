import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseGoDuration } from './duration.js';

describe('Go durations', () => {
  it("formatGoDuration prints what Go's time.Duration String prints", () => {
    // Expected texts are Go's own (time.Duration(x).String()).
    const cases: [string, string][] = [
      ['0s', '0s'],
      ['500ms', '500ms'],
      ['1.5s', '1.5s'],
      ['30s', '30s'],
      ['90s', '1m30s'],
      ['10m', '10m0s'],
      ['1h', '1h0m0s'],
      ['1h2m3.25s', '1h2m3.25s'],
      ['250us', '250µs'],
      ['15ns', '15ns'],
    ];
    for (const [input, go] of cases) expect(formatGoDuration(parseGoDuration(input)), input).toBe(go);
  });
});
