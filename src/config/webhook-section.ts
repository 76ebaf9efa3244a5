// `spec.webhook` of a RenderConfig: where webhook stores and Webhook generators may send requests
// (src/providers/webhook/webhook.ts, docs/security.md "Webhooks"). Without it, only stores and generators
// of the platform configuration may call a webhook; with it, every webhook request (platform's or
// application's) must go to a URL under one of these prefixes, checked on the rendered URL.
//
//   webhook:
//     allowedURLs:
//       - "https://secrets-api.internal.example.com/v1/"
//       - "http://127.0.0.1:8080/"
export interface WebhookSection {
  /** Normalised (WHATWG URL href) prefixes; a bare origin gets its `/`. */
  allowedURLs: string[];
}

export const WEBHOOK_PREFIX_RULE = 'must be an http(s) URL prefix with a host and no user info, query or fragment (for example https://api.example.com/v1/)';

/** A webhook URL prefix, normalised (WHATWG href), or undefined when it is not one. */
export function webhookPrefix(p: unknown): string | undefined {
  let u: URL | undefined;
  try {
    u = typeof p === 'string' ? new URL(p) : undefined;
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '' || u.username || u.password || u.search || u.hash) return undefined;
  return u.href;
}

export function readWebhookSection(v: unknown, problem: (path: string, message: string) => void): WebhookSection | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problem('spec.webhook', 'must be a mapping with allowedURLs');
    return undefined;
  }
  const out: WebhookSection = { allowedURLs: [] };
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k !== 'allowedURLs') {
      problem(`spec.webhook.${k}`, 'unknown field; expected allowedURLs');
      continue;
    }
    if (!Array.isArray(x)) {
      problem('spec.webhook.allowedURLs', 'must be a list of http(s) URL prefixes');
      continue;
    }
    x.forEach((p, i) => {
      const href = webhookPrefix(p);
      if (href === undefined) problem(`spec.webhook.allowedURLs[${i}]`, WEBHOOK_PREFIX_RULE);
      else out.allowedURLs.push(href);
    });
  }
  return out;
}
