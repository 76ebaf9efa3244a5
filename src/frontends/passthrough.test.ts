// The pass-through (issue 19) takes only a stream within the default input limits (issue 14): above
// either it leaves the stream to the whole `render` command, which refuses it with its usual message.
import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../common/limits.js';
import { passThrough } from './passthrough.js';
import type { CommandIO } from './render-cmd.js';

function io(bytes: Uint8Array): CommandIO & { out: string[] } {
  const out: string[] = [];
  return { out, env: {}, cwd: '/', stdin: async () => new TextDecoder().decode(bytes), stdinBytes: async () => bytes, stdout: (s) => out.push(s), stderr: () => {} } as CommandIO & { out: string[] };
}

const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';

describe('pass-through within the input limits', () => {
  it('passes a stream within both limits through', async () => {
    const s = io(new TextEncoder().encode(cm));
    expect(await passThrough(['-q'], s)).toBe(0);
    expect(s.out).toEqual([cm]);
  });

  it('leaves a stream above the byte limit to the whole command, unread', async () => {
    const big = new Uint8Array(defaultLimits.inputBytes + 1).fill(0x20);
    big.set(new TextEncoder().encode(cm));
    const s = io(big);
    expect(await passThrough(['-q'], s)).toBeUndefined();
    expect(s.out).toEqual([]);
  });

  it('leaves a stream above the document limit to the whole command', async () => {
    const over = io(new TextEncoder().encode(`${cm}${'---\n'.repeat(defaultLimits.documents)}`));
    expect(await passThrough(['-q'], over)).toBeUndefined();
    const at = io(new TextEncoder().encode(`${cm}${'---\n'.repeat(defaultLimits.documents - 1)}`));
    expect(await passThrough(['-q'], at)).toBe(0);
  });
});
