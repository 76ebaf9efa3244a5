// GitLab: one project with a variable per secret ('-' in a key is read as '_', as ESO's provider does),
// an access token, behind the latency proxy.
import { FakeGitLab } from '../../test/servers/gitlab/server.js';
import { latencyProxy, proxied } from './proxy.js';
import type { BenchBackend, BenchContext } from './types.js';

export async function start(ctx: BenchContext): Promise<BenchBackend> {
  const gitlab = await FakeGitLab.start();
  ctx.stops.push(() => gitlab.close());
  const project = gitlab.addProject('bench/app', Array.from({ length: ctx.unique }, (_, k) => ({ key: `app_${k}`, value: ctx.value(k) })));
  gitlab.addToken('bench-gitlab-token');
  const proxy = await latencyProxy(ctx, { upstream: gitlab.url });
  return proxied(proxy, { token: 'bench-gitlab-token', projectID: String(project) }, () => true);
}
