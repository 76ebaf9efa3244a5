// The latency proxy (bench/lib/latency-proxy.mjs) with the types the backends use.
// @ts-expect-error plain JS helper
import { startLatencyProxy as start } from '../lib/latency-proxy.mjs';
import type { BenchBackend, BenchContext } from './types.js';

export interface LatencyProxy {
  url: string;
  port: number;
  requests: { method: string; path: string; upstreamMs?: number }[];
  maxInFlight: number;
  count(): number;
  clear(): void;
  upstreamMedianMs(): number | undefined;
  stop(): Promise<void>;
}

export async function latencyProxy(
  ctx: BenchContext,
  opts: { upstream: string; tls?: BenchContext['tls']; upstreamTls?: { ca: string; servername: string } },
): Promise<LatencyProxy> {
  const p = (await start({ ...opts, delayMs: ctx.delayMs })) as LatencyProxy;
  ctx.stops.push(() => p.stop());
  return p;
}

/** A backend behind one latency proxy, whose reads are the requests on paths matching `isRead`. */
export function proxied(proxy: LatencyProxy, info: Record<string, unknown>, isRead: (path: string) => boolean, extra: Partial<BenchBackend> = {}): BenchBackend {
  return {
    info: { url: proxy.url, ...info },
    reads: () => proxy.requests.filter((r) => isRead(r.path)).length,
    all: () => proxy.count(),
    maxInFlight: () => proxy.maxInFlight,
    serviceMs: () => proxy.upstreamMedianMs(),
    reset: () => proxy.clear(),
    ...extra,
  };
}
