// The webhook block (SecretStore `spec.provider.webhook`, the Webhook generator's `spec`), read with ESO's
// field names (providers/v1/webhook/pkg/webhook/models.go, ESO v2.9.0).

import { parseGoDuration } from '../../common/duration.js';
import { obj, str } from '../shared/spec-read.js';

export interface WebhookSecretRef {
  /** The name the Secret's keys are under in the templates (`.<name>.<key>`). */
  name: string;
  secret: { name: string; namespace?: string };
}

export interface WebhookSpec {
  method: string;
  url: string;
  headers: [string, string][];
  body: string;
  timeoutMs?: number;
  jsonPath: string;
  secrets: WebhookSecretRef[];
  caBundle?: string;
  caProvider: boolean;
  ntlm: boolean;
}

type Problem = { field: string; message: string };

/** The spec, or the problems that stop it (each with its field, below `at`). */
export function readWebhookSpec(spec: Record<string, unknown>): { spec?: WebhookSpec; problems: Problem[] } {
  const problems: Problem[] = [];
  const text = (v: unknown, field: string): string => {
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') {
      problems.push({ field, message: 'must be a string' });
      return '';
    }
    return v;
  };
  const url = text(spec['url'], 'url');
  if (url === '') problems.push({ field: 'url', message: 'is required' });
  const method = text(spec['method'], 'method');
  const body = text(spec['body'], 'body');
  const headers: [string, string][] = [];
  const h = spec['headers'];
  if (h !== undefined && h !== null) {
    const o = obj(h);
    if (!o) problems.push({ field: 'headers', message: 'must be a mapping of header names to templates' });
    else for (const [k, v] of Object.entries(o)) headers.push([k, text(v, `headers.${k}`)]);
  }
  let timeoutMs: number | undefined;
  if (spec['timeout'] !== undefined && spec['timeout'] !== null) {
    try {
      timeoutMs = parseGoDuration(String(spec['timeout']));
    } catch {
      problems.push({ field: 'timeout', message: 'must be a Go duration such as 5s' });
    }
  }
  const result = obj(spec['result']);
  const jsonPath = text(result?.['jsonPath'], 'result.jsonPath');
  const secrets: WebhookSecretRef[] = [];
  const list = spec['secrets'];
  if (list !== undefined && list !== null) {
    if (!Array.isArray(list)) problems.push({ field: 'secrets', message: 'must be a list of {name, secretRef}' });
    else
      list.forEach((x, i) => {
        const o = obj(x);
        const ref = obj(o?.['secretRef']);
        const name = str(o?.['name']);
        const sname = str(ref?.['name']);
        if (!name || !sname) return problems.push({ field: `secrets[${i}]`, message: 'needs name and secretRef.name' });
        const secret: WebhookSecretRef['secret'] = { name: sname };
        if (str(ref?.['namespace'])) secret.namespace = ref!['namespace'] as string;
        secrets.push({ name, secret });
      });
  }
  const caBundle = str(spec['caBundle']);
  const auth = obj(spec['auth']);
  const out: WebhookSpec = {
    method,
    url,
    headers,
    body,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    jsonPath,
    secrets,
    ...(caBundle ? { caBundle } : {}),
    caProvider: spec['caProvider'] !== undefined && spec['caProvider'] !== null,
    ntlm: auth?.['ntlm'] !== undefined && auth?.['ntlm'] !== null,
  };
  return problems.length ? { problems } : { spec: out, problems };
}
