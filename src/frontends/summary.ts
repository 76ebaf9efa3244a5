// One summary per run for operators: counts and timings, never a name of a secret value.
import type { RenderOutcome } from '../engine/types.js';
import { jsonLine, printable } from './result-text.js';

export type LogFormat = 'text' | 'json';

export function summaryLine(o: RenderOutcome, format: LogFormat): string {
  const s = o.stats;
  const errors = o.results.filter((r) => r.severity === 'error').length;
  const warnings = o.results.filter((r) => r.severity === 'warning').length;
  const requests = Object.values(s.requests).reduce((a, b) => a + b, 0);
  if (format === 'json') {
    return jsonLine({ level: o.ok ? 'info' : 'error', msg: 'eso-render summary', ok: o.ok, ...s, requestsTotal: requests, errors, warnings });
  }
  // Sorted by store label: the order requests finished in varies from run to run.
  const perStore = printable(Object.entries(s.requests).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => `${k}=${n}`).join(' '));
  return (
    `eso-render: ${o.ok ? 'rendered' : 'FAILED'}: ${s.resourcesIn} resources in, ${o.ok ? s.resourcesOut : 0} out, ` +
    `${s.externalSecrets} ExternalSecrets, ${s.otherControllerClass ? `${s.otherControllerClass} left for another controller class, ` : ''}${s.secretsEmitted} Secrets, ${requests} requests${perStore ? ` (${perStore})` : ''}, ` +
    `${s.retries} retries, ${errors} errors, ${warnings} warnings, ${s.durationMs} ms\n`
  );
}
