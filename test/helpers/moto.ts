// A real moto_server per test file: started on a free loopback port, reset between tests, killed at the end.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface Moto {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** POST /moto-api/reset: every backend back to empty. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function motoOnPath(): boolean {
  const r = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '';
}

/**
 * Starts `moto_server -H 127.0.0.1 -p <free port>` and waits until /moto-api/ answers.
 * `env` is added to the server's environment (e.g. INITIAL_NO_AUTH_ACTION_COUNT to make moto enforce IAM).
 */
export async function startMoto(env: Record<string, string> = {}): Promise<Moto> {
  if (!motoOnPath()) {
    throw new Error('moto_server is not on PATH: install moto[server] (pip install "moto[server]") to run the AWS tests');
  }
  // A port can be taken between our probe and moto's bind; try a few.
  for (let tries = 0; tries < 5; tries++) {
    const port = await freePort();
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    const url = `http://127.0.0.1:${port}`;
    const up = await waitReady(url, child, 20_000);
    if (up) {
      return {
        url,
        port,
        reset: async () => {
          const r = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
          if (!r.ok) throw new Error(`moto reset failed: HTTP ${r.status}`);
        },
        stop: () => stopChild(child),
      };
    }
    await stopChild(child);
    if (!/address already in use/i.test(stderr)) {
      throw new Error(`moto_server did not start on port ${port}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
  }
  throw new Error('moto_server could not find a free port');
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const r = await fetch(`${url}/moto-api/`);
      if (r.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
