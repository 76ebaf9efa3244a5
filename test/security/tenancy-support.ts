// The hostile-tenant suite's harness: `eso-render generate` run exactly as argocd-cmp-server runs it
// (test/cmp/support.ts: app folder as cwd, files 0644, ARGOCD_APP_* from the Application, the platform's
// RenderConfig through ESO_RENDER_CONFIG), with the platform's files (config, credentials directory) in a
// folder of their own that the app cannot write, and a loopback "attacker" server that records every
// request an app might make it receive.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { CmpWorkdir, runGenerate, type AppRun, type CmpEnv } from '../cmp/support.js';

export interface Platform {
  dir: string;
  /** Absolute path of the RenderConfig, for ESO_RENDER_CONFIG. */
  configPath: string;
  credentialsDir: string;
}

/** Writes the platform's RenderConfig (credentialsDir set to its own folder) and credential files. */
export function writePlatform(root: string, spec: Record<string, unknown>, credentials: Record<string, string> = {}): Platform {
  const dir = mkdtempSync(path.join(root, 'platform-'));
  const credentialsDir = path.join(dir, 'credentials');
  for (const [rel, value] of Object.entries(credentials)) {
    const p = path.join(credentialsDir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, value);
  }
  mkdirSync(credentialsDir, { recursive: true });
  const configPath = path.join(dir, 'renderconfig.yaml');
  writeFileSync(configPath, stringify({ apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', metadata: { name: 'platform' }, spec: { credentialsDir, ...spec } }));
  return { dir, configPath, credentialsDir };
}

/** A tenant: its repository (manifests as YAML documents) rendered by generate under the sidecar's env. */
export class Tenancy {
  readonly wd = new CmpWorkdir();

  async run(manifests: unknown[], platform: Platform, e: CmpEnv & { sidecar?: Record<string, string> } = {}): Promise<AppRun> {
    const repo = this.wd.extract({ 'apps/app/manifests.yaml': manifests.map((m) => stringify(m)).join('---\n') });
    return runGenerate(repo, 'apps/app', { ...e, sidecar: { ...(e.sidecar ?? {}), ESO_RENDER_CONFIG: platform.configPath } });
  }

  dispose(): void {
    this.wd.dispose();
  }
}

export function tempRoot(): { root: string; dispose(): void } {
  const root = mkdtempSync(path.join(tmpdir(), 'eso-render-tenancy-'));
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** A server an application names itself: it answers like a Vault that accepts anything, and records. */
export class Attacker {
  readonly seen: SeenRequest[] = [];
  url = '';
  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<Attacker> {
    let self: Attacker | undefined;
    const server = http.createServer((req, res) => {
      self!.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ data: { data: { stolen: 'yes' }, username: 'u', password: 'p' }, auth: { client_token: 'attacker' } }));
    });
    self = new Attacker(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    self.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return self;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export const b64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');
