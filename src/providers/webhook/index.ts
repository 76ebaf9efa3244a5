// ESO's webhook provider (`spec.provider.webhook`, providers/v1/webhook/webhook.go, ESO v2.9.0): a
// templated HTTP request per read. `data[]` returns the body, or with result.jsonPath the one value it
// selects (the first of a list; objects JSON-encoded; numbers rounded to integers, as ESO's
// extractSecretData does); `dataFrom.extract` reads the body's (or the jsonPath's) JSON object, each value
// as esutils.GetByteValue gives it. `property` and `version` are template data only: ESO applies neither
// to the response. `dataFrom.find` is ESO's "not implemented". Identical reads share one request (the
// engine's plan); a store's requests run under its concurrency bound. The URL policy is in webhook.ts.

import type { FindRef, ProviderContext, RemoteRef, SecretsClient } from '../types.js';
import { ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { checkTemplate, TemplateError } from '../../template/index.js';
import { readWebhookSpec, type WebhookSpec } from './spec.js';
import { extractSecretData, WebhookCaller } from './webhook.js';

const FIELD = 'spec.provider.webhook';

/** The spec's problems, and a parse error in any of its templates (url, body, headers, result.jsonPath). */
/** Methods an application's own webhook store may send (docs/security.md, Webhooks). */
export const STREAM_STORE_METHODS: readonly string[] = ['GET', 'HEAD', 'POST'];

export function validateStore(spec: Record<string, unknown>): { field: string; message: string }[] {
  const { spec: s, problems } = readWebhookSpec(spec);
  if (!s) return problems;
  const templates: [string, string][] = [['url', s.url], ['body', s.body], ['result.jsonPath', s.jsonPath], ...s.headers.map(([k, v]) => [`headers.${k}`, v] as [string, string])];
  for (const [field, text] of templates) {
    if (text === '') continue;
    try {
      checkTemplate('webhooktemplate', text, { leftDelim: '{{', rightDelim: '}}', missingKey: 'default', origin: 'webhooktemplate' });
    } catch (e) {
      if (e instanceof TemplateError) problems.push({ field, message: e.message });
      else throw e;
    }
  }
  return problems;
}

/** What cannot work offline, refused by field before any request. */
export function offlineProblem(spec: WebhookSpec, field: string): string | undefined {
  if (spec.ntlm) return `${field}.auth.ntlm: NTLM needs a Windows challenge/response handshake eso-render does not implement; use a header from secrets (for example a token) instead`;
  if (spec.caProvider) return `${field}.caProvider: not supported by eso-render; put the CA's PEM in caBundle (base64)`;
  return undefined;
}

/** A template's reference to .remoteRef.namespace, which a ClusterSecretStore's one client cannot fill. */
const NAMESPACE_REF = /\.remoteRef\.namespace\b/;

export async function createClient(ctx: ProviderContext): Promise<SecretsClient> {
  const where = storeLabel(ctx.store);
  const { spec, problems } = readWebhookSpec(ctx.store.spec);
  if (!spec) throw new ProviderError(`${where}: ${problems.map((p) => `${FIELD}.${p.field}: ${p.message}`).join('; ')}`);
  const offline = offlineProblem(spec, FIELD);
  if (offline) throw new ProviderError(`${where}: ${offline}`);
  if (ctx.store.kind === 'ClusterSecretStore' && [spec.url, spec.body, spec.jsonPath, ...spec.headers.map((h) => h[1])].some((t) => NAMESPACE_REF.test(t))) {
    throw new ProviderError(`${where}: ${FIELD}: .remoteRef.namespace is the ExternalSecret's namespace in ESO; eso-render serves every namespace of a ClusterSecretStore with one client and does not fill it (use a SecretStore per namespace)`);
  }
  // An application's own store reads: ESO lets a webhook store send any method, but in a shared sidecar a
  // tenant's PUT, PATCH or DELETE would write to or delete on a platform-allowed API. POST stays allowed (many
  // read APIs take their query as a POST body); a write method needs a store the platform defines.
  const method = (spec.method === '' ? 'GET' : spec.method).toUpperCase();
  if (ctx.store.origin === 'stream' && !STREAM_STORE_METHODS.includes(method)) {
    throw new ProviderError(`${where}: policy: ${FIELD}.method ${method} refused: an application's own webhook store may use ${STREAM_STORE_METHODS.join(', ')} only (a method that writes or deletes needs a store the platform defines)`);
  }
  const caller = new WebhookCaller(
    {
      where,
      field: FIELD,
      origin: ctx.store.origin,
      allowedURLs: ctx.webhookURLs,
      appURLs: ctx.appWebhookURLs,
      credentials: ctx.credentials,
      signal: ctx.signal,
      deadline: ctx.deadline,
      concurrency: ctx.concurrency,
      countRequest: () => ctx.countRequest(),
      countRetry: () => ctx.countRetry(),
      overFetchBudget: ctx.overFetchBudget?.bind(ctx),
    },
    spec,
    ctx.store.namespace ?? '',
  );
  return {
    async getSecret(ref: RemoteRef): Promise<Uint8Array> {
      const body = await caller.call(ref);
      const path = await caller.jsonPathFor(ref);
      if (path.path === '') return new Uint8Array(body);
      const doc = caller.path(path, caller.parse(body));
      return extractSecretData(doc, (m) => new ProviderError(`${where}: ${m}`));
    },
    async getSecretMap(ref: RemoteRef): Promise<Map<string, Uint8Array>> {
      return caller.secretMap(ref, await caller.jsonPathFor(ref));
    },
    async getAllSecrets(_ref: FindRef): Promise<Map<string, Uint8Array>> {
      throw new ProviderError(`${where}: dataFrom.find: not implemented`);
    },
    async close() {
      caller.close();
    },
  };
}
