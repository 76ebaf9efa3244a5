// The sidecar installation in plugin/: the kustomize component built by a real `kubectl kustomize`, the
// Helm values kept identical to it, the NetworkPolicy, the platform RenderConfig and the Dockerfile.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadRenderConfig } from '../../src/config/renderconfig.js';
import { repoRoot } from './support.js';

const hasKubectl = spawnSync('sh', ['-c', 'command -v kubectl']).status === 0;
const read = (p: string) => readFileSync(path.join(repoRoot, p), 'utf8');
const yaml11 = (s: string) => parse(s, { version: '1.1' }) as Record<string, any>;

type Any = Record<string, any>;

const patch = yaml11(read('plugin/kustomize/repo-server-patch.yaml'));
const patchContainer = patch.spec.template.spec.containers[0] as Any;
const patchVolumes = patch.spec.template.spec.volumes as Any[];

describe('plugin/ install', () => {
  it.skipIf(!hasKubectl)('`kubectl kustomize plugin/example` adds the sidecar and its volumes to argocd-repo-server', () => {
    const r = spawnSync('kubectl', ['kustomize', path.join(repoRoot, 'plugin/example')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const objs = parseAllDocuments(r.stdout, { version: '1.1' }).map((d) => d.toJS() as Any);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['ConfigMap/eso-render-config', 'Deployment/argocd-repo-server', 'NetworkPolicy/argocd-repo-server-egress']);
    const dep = objs.find((o) => o.kind === 'Deployment')!;
    const pod = dep.spec.template.spec;
    const names = (pod.containers as Any[]).map((c) => c.name);
    expect(names.sort()).toEqual(['argocd-repo-server', 'eso-render']);
    const sidecar = (pod.containers as Any[]).find((c) => c.name === 'eso-render')!;
    expect(sidecar).toEqual(patchContainer);
    // The server binary comes from the copyutil init container through var-files.
    expect(sidecar.command).toEqual(['/var/run/argocd/argocd-cmp-server']);
    expect(sidecar.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999 });
    const mounts = Object.fromEntries((sidecar.volumeMounts as Any[]).map((m) => [m.mountPath, m.name]));
    expect(mounts).toMatchObject({ '/var/run/argocd': 'var-files', '/home/argocd/cmp-server/plugins': 'plugins', '/tmp': 'eso-render-tmp', '/etc/eso-render': 'eso-render-config' });
    // Every mount names a volume of the pod; the sidecar's /tmp is not the repo-server's.
    const volumes = new Set((pod.volumes as Any[]).map((v) => v.name));
    for (const m of sidecar.volumeMounts as Any[]) expect(volumes).toContain(m.name);
    const repoTmp = (pod.containers as Any[]).find((c) => c.name === 'argocd-repo-server')!.volumeMounts.find((m: Any) => m.mountPath === '/tmp').name;
    expect(repoTmp).not.toBe(mounts['/tmp']);
    expect(sidecar.env).toContainEqual({ name: 'ESO_RENDER_CONFIG', value: '/etc/eso-render/config.yaml' });
    // The NetworkPolicy selects exactly these pods.
    const np = objs.find((o) => o.kind === 'NetworkPolicy')!;
    expect(dep.spec.template.metadata.labels).toMatchObject(np.spec.podSelector.matchLabels);
  });

  it('the NetworkPolicy allows egress to DNS and HTTPS (and the repo-server\'s Redis and SSH), not the metadata range', () => {
    const np = yaml11(read('plugin/kustomize/networkpolicy.yaml'));
    expect(np.spec.policyTypes).toEqual(['Egress']);
    const ports = (np.spec.egress as Any[]).flatMap((e) => (e.ports as Any[]).map((p) => `${p.protocol}/${p.port}`)).sort();
    expect(ports).toEqual(['TCP/22', 'TCP/443', 'TCP/53', 'TCP/6379', 'UDP/53']);
    for (const e of np.spec.egress as Any[]) {
      for (const to of (e.to ?? []) as Any[]) if (to.ipBlock) expect(to.ipBlock.except).toContain('169.254.0.0/16');
    }
    const https = (np.spec.egress as Any[]).find((e) => (e.ports as Any[]).some((p) => p.port === 443))!;
    expect(https.to[0].ipBlock.cidr).toBe('0.0.0.0/0');
    const redis = (np.spec.egress as Any[]).find((e) => (e.ports as Any[]).some((p) => p.port === 6379))!;
    for (const to of redis.to as Any[]) expect(to.ipBlock).toBeUndefined();
  });

  it('the starter RenderConfig is one eso-render accepts, with a deadline under 60 s', () => {
    const cm = yaml11(read('plugin/kustomize/render-config.yaml'));
    const cfg = loadRenderConfig(parse(cm.data['config.yaml']), '/etc/eso-render');
    expect(cfg.problems).toEqual([]);
    expect(cfg.options.deadlineMs).toBeLessThan(60_000);
  });

  it('the Helm values add the same sidecar, volumes and objects as the kustomize component', () => {
    const v = yaml11(read('plugin/helm-values.yaml'));
    expect(v.repoServer.extraContainers).toEqual([patchContainer]);
    expect(v.repoServer.volumes).toEqual(patchVolumes);
    const component = ['render-config.yaml', 'networkpolicy.yaml'].map((f) => yaml11(read(`plugin/kustomize/${f}`)));
    expect(v.extraObjects).toEqual(component);
    const kust = yaml11(read('plugin/kustomize/kustomization.yaml'));
    expect(kust.kind).toBe('Component');
    expect(kust.resources.sort()).toEqual(['networkpolicy.yaml', 'render-config.yaml']);
  });

  it('the Dockerfile: glibc base, user 999, kustomize from its image, helm checksum-verified, plugin.yaml where argocd-cmp-server reads it', () => {
    const df = read('plugin/Dockerfile');
    const stages = df.split(/^FROM /m).slice(1);
    const final = stages.at(-1)!;
    const baseArg = /^ARG BASE_IMAGE=(.+)$/m.exec(df)![1]!;
    expect(final.startsWith('${BASE_IMAGE}')).toBe(true);
    expect(baseArg).toMatch(/debian|ubuntu/);
    expect(baseArg).not.toMatch(/alpine|distroless|scratch/);
    expect(final).toMatch(/^USER 999:999$/m);
    expect(df).toMatch(/^ARG KUSTOMIZE_IMAGE=registry\.k8s\.io\/kustomize\/kustomize:v[\d.]+$/m);
    expect(final).toMatch(/^COPY --from=kustomize \/app\/kustomize \/usr\/local\/bin\/kustomize$/m);
    expect(df).toMatch(/https:\/\/get\.helm\.sh\/helm-\$\{HELM_VERSION\}/);
    expect(df).toMatch(/sha256sum -c/);
    expect(final).toMatch(/^COPY --from=build \/src\/dist\/eso-render \/usr\/local\/bin\/eso-render$/m);
    expect(final).toMatch(/^COPY .*plugin\.yaml \/home\/argocd\/cmp-server\/config\/plugin\.yaml$/m);
    expect(df).toMatch(/npm run build:sea/);
  });
});
