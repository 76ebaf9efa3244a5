// A loopback 1Password Connect server, written from the Connect REST API reference
// (https://developer.1password.com/docs/connect/api-reference/): bearer tokens scoped to vaults, vaults and
// item lists with the SCIM `eq` filter on `title` (and `name` for vaults), whole items with fields and
// file metadata, file content, and errors as `{"status": N, "message": "..."}`. Item summaries carry no
// fields or files, as the real list does. Every request is logged for the tests' request counts.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

export interface OpField {
  label: string;
  value: string;
  type?: string;
}
export interface OpFileSpec {
  name: string;
  content: string | Uint8Array;
}
export interface OpItemSpec {
  title: string;
  category?: string;
  tags?: string[];
  fields?: OpField[];
  files?: OpFileSpec[];
}
export interface SeenRequest {
  method: string;
  path: string;
  filter?: string;
  token: string;
}

/** A 1Password id: 26 lower-case letters and digits, derived from `seed` so runs are repeatable. */
export function opId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').replace(/[^a-z0-9]/g, '').slice(0, 26).padEnd(26, '0');
}

interface Vault {
  id: string;
  name: string;
  items: (OpItemSpec & { id: string; fileIds: string[] })[];
}

export class FakeConnect {
  readonly requests: SeenRequest[] = [];
  private readonly vaults: Vault[] = [];
  /** token → the vault ids it may read. */
  private readonly tokens = new Map<string, Set<string>>();
  /** Fails the next `n` requests whose path starts with `prefix` with `status`. */
  readonly faults: { prefix: string; status: number; message: string; times: number }[] = [];
  /** Holds each answer this long (to observe how many requests a client keeps in flight). */
  delayMs = 0;
  /** The most requests in flight at once since the last resetLog. */
  maxInFlight = 0;
  private inFlight = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeConnect> {
    let self: FakeConnect | undefined;
    const server = http.createServer((req, res) => {
      const s = self!;
      s.inFlight++;
      s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
      res.on('close', () => s.inFlight--);
      if (s.delayMs > 0) setTimeout(() => s.handle(req, res), s.delayMs);
      else s.handle(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new FakeConnect(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  addVault(name: string, items: OpItemSpec[]): string {
    const id = opId(`vault:${name}`);
    this.vaults.push({ id, name, items: items.map((it, i) => ({ ...it, id: opId(`item:${name}:${it.title}:${i}`), fileIds: (it.files ?? []).map((f, j) => opId(`file:${name}:${i}:${j}:${f.name}`)) })) });
    return id;
  }

  itemId(vault: string, title: string): string {
    return this.vaults.find((v) => v.name === vault)!.items.find((i) => i.title === title)!.id;
  }

  addToken(token: string, vaultNames: string[]): void {
    this.tokens.set(token, new Set(vaultNames.map((n) => opId(`vault:${n}`))));
  }

  resetLog(): void {
    this.requests.length = 0;
    this.maxInFlight = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const filter = url.searchParams.get('filter') ?? undefined;
    this.requests.push({ method: req.method ?? '', path: url.pathname, ...(filter !== undefined ? { filter } : {}), token });
    const send = (status: number, body: unknown, type = 'application/json') => {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      res.writeHead(status, { 'content-type': type, 'content-length': bytes.length, '1Password-Connect-Version': '1.7.3' });
      res.end(bytes);
    };
    const error = (status: number, message: string) => send(status, { status, message });
    const fault = this.faults.find((f) => f.times > 0 && url.pathname.startsWith(f.prefix));
    if (fault) {
      fault.times--;
      return error(fault.status, fault.message);
    }
    if (req.method !== 'GET') return error(405, 'method not allowed');
    const granted = this.tokens.get(token);
    if (!granted) return error(401, 'Invalid token signature');
    let eq: { attr: string; value: string } | undefined;
    if (filter !== undefined) {
      const m = /^(\w+) eq "((?:[^"\\]|\\.)*)"$/.exec(filter);
      if (!m) return error(400, 'Invalid filter');
      eq = { attr: m[1]!, value: m[2]!.replace(/\\(.)/g, '$1') };
    }
    const parts = url.pathname.split('/').filter((p) => p !== '');
    if (parts[0] !== 'v1' || parts[1] !== 'vaults') return error(404, 'Not found');
    const vaultJson = (v: Vault) => ({ id: v.id, name: v.name, attributeVersion: 1, contentVersion: v.items.length, items: v.items.length, type: 'USER_CREATED' });
    if (parts.length === 2) {
      let vs = this.vaults.filter((v) => granted.has(v.id));
      if (eq) {
        if (eq.attr !== 'title' && eq.attr !== 'name') return error(400, 'Invalid filter');
        vs = vs.filter((v) => v.name === eq!.value);
      }
      return send(200, vs.map(vaultJson));
    }
    const vault = this.vaults.find((v) => v.id === parts[2]);
    if (!vault) return error(404, 'Invalid Vault UUID');
    if (!granted.has(vault.id)) return error(403, `Authorization: token does not have access to vault ${vault.id}`);
    if (parts.length === 3) return send(200, vaultJson(vault));
    if (parts[3] !== 'items') return error(404, 'Not found');
    const summary = (it: Vault['items'][number]) => ({
      id: it.id,
      title: it.title,
      version: 1,
      vault: { id: vault.id },
      category: it.category ?? 'LOGIN',
      tags: it.tags ?? [],
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    });
    if (parts.length === 4) {
      let items = vault.items;
      if (eq) {
        if (eq.attr !== 'title') return error(400, 'Invalid filter');
        items = items.filter((i) => i.title === eq!.value);
      }
      return send(200, items.map(summary));
    }
    const item = vault.items.find((i) => i.id === parts[4]);
    if (!item) return error(404, 'item not found');
    const filePath = (fid: string) => `/v1/vaults/${vault.id}/items/${item.id}/files/${fid}/content`;
    if (parts.length === 5) {
      return send(200, {
        ...summary(item),
        fields: (item.fields ?? []).map((f, i) => ({ id: `f${i}`, label: f.label, value: f.value, type: f.type ?? 'CONCEALED' })),
        files: (item.files ?? []).map((f, i) => ({ id: item.fileIds[i], name: f.name, size: Buffer.byteLength(f.content), content_path: filePath(item.fileIds[i]!) })),
      });
    }
    if (parts[5] === 'files' && parts.length === 8 && parts[7] === 'content') {
      const i = item.fileIds.indexOf(parts[6]!);
      if (i < 0) return error(404, 'file not found');
      const c = item.files![i]!.content;
      return send(200, Buffer.from(typeof c === 'string' ? Buffer.from(c, 'utf8') : c), 'application/octet-stream');
    }
    return error(404, 'Not found');
  }
}
