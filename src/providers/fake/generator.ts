// ESO's Fake generator: returns spec.data as-is.
import type { GeneratorContext } from '../types.js';

export async function generate(ctx: GeneratorContext): Promise<Map<string, Uint8Array>> {
  const data = ((ctx.generator['spec'] as Record<string, unknown> | undefined)?.['data'] ?? {}) as Record<string, unknown>;
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(data)) out.set(k, Buffer.from(String(v ?? ''), 'utf8'));
  return out;
}
