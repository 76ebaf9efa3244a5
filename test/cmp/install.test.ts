// The sidecar installation in plugin/: the kustomize component built by a real `kubectl kustomize`, the
// Helm values kept identical to it, the NetworkPolicy, the platform RenderConfig and the Dockerfile.
import { spawnSync } from 'node:child_process';
import { BlockList, isIP } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadRenderConfig } from '../../src/config/renderconfig.js';
import { repoRoot } from './support.js';

const read = (p: string) => readFileSync(path.join(repoRoot, p), 'utf8');
const yaml11 = (s: string) => parse(s, { version: '1.1' }) as Record<string, any>;

type Any = Record<string, any>;

const patch = yaml11(read('plugin/kustomize/repo-server-patch.yaml'));
const patchContainer = patch.spec.template.spec.containers[0] as Any;
const patchVolumes = patch.spec.template.spec.volumes as Any[];

describe('plugin/ install', () => {
  it('`kubectl kustomize plugin/example` adds the sidecar and its volumes to argocd-repo-server', () => {
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

  it('the NetworkPolicy is an egress allowlist: DNS to kube-dns, Redis, and placeholder CIDRs per backend, IPv4 and IPv6', () => {
    const np = yaml11(read('plugin/kustomize/networkpolicy.yaml'));
    expect(np.spec.policyTypes).toEqual(['Egress']);
    const egress = np.spec.egress as Any[];
    // Every rule names where it goes: no rule without `to` (that would be any destination).
    for (const e of egress) expect(e.to?.length, JSON.stringify(e)).toBeGreaterThan(0);
    const blocks = egress.flatMap((e) => (e.to as Any[]).filter((t) => t.ipBlock).map((t) => t.ipBlock.cidr as string));
    // No "anywhere" in either family, and every CIDR is a documentation range the platform must replace.
    const doc = new BlockList();
    doc.addSubnet('192.0.2.0', 24, 'ipv4');
    doc.addSubnet('198.51.100.0', 24, 'ipv4');
    doc.addSubnet('203.0.113.0', 24, 'ipv4');
    doc.addSubnet('2001:db8::', 32, 'ipv6');
    for (const cidr of blocks) {
      const [addr, len] = cidr.split('/');
      const family = isIP(addr!);
      expect(family, cidr).not.toBe(0);
      expect(Number(len), cidr).toBeGreaterThanOrEqual(family === 4 ? 24 : 32);
      expect(doc.check(addr!, family === 4 ? 'ipv4' : 'ipv6'), cidr).toBe(true);
    }
    // Each ipBlock rule covers both families.
    for (const e of egress.filter((e) => (e.to as Any[]).some((t) => t.ipBlock))) {
      expect((e.to as Any[]).map((t) => isIP(t.ipBlock.cidr.split('/')[0])).sort()).toEqual([4, 6]);
    }
    // DNS only to the cluster resolver.
    const dns = egress.find((e) => (e.ports as Any[]).some((p) => p.port === 53))!;
    expect(dns.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
    expect((dns.ports as Any[]).map((p) => `${p.protocol}/${p.port}`).sort()).toEqual(['TCP/53', 'UDP/53']);
    const redis = egress.find((e) => (e.ports as Any[]).some((p) => p.port === 6379))!;
    for (const to of redis.to as Any[]) expect(to.ipBlock).toBeUndefined();
    const ports = [...new Set(egress.flatMap((e) => (e.ports as Any[]).map((p) => `${p.protocol}/${p.port}`)))].sort();
    expect(ports).toEqual(['TCP/22', 'TCP/443', 'TCP/53', 'TCP/6379', 'TCP/8200', 'UDP/53']);
  });

  it('plugin/README.md explains the allowlist and what the platform fills in', () => {
    const readme = read('plugin/README.md');
    const section = readme.slice(readme.indexOf('## 5. The NetworkPolicy'), readme.indexOf('## 6.'));
    for (const word of ['allowlist', 'IPv6', '2001:db8::/32', 'DNS', 'placeholder']) expect(section).toContain(word);
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

  it('every key of plugin/helm-values.yaml (the commented suggestions too) is one the argo-cd chart 10.1.1 defines', () => {
    // The chart's own values.yaml (argo/argo-cd 10.1.1, Argo CD v3.4.4), kept beside the repository.
    const chartFile = path.join(repoRoot, '..', 'shared', 'reference', 'argo-cd-chart', 'values.yaml');
    expect(existsSync(chartFile), chartFile).toBe(true);
    const chart = yaml11(readFileSync(chartFile, 'utf8'));
    expect(yaml11(readFileSync(path.join(path.dirname(chartFile), 'Chart.yaml'), 'utf8')).version).toBe('10.1.1');
    const text = read('plugin/helm-values.yaml');
    // The commented-out suggestions under repoServer (serviceAccount annotations, podLabels), uncommented.
    const suggested = text
      .split('\n')
      .filter((l) => /^  # (serviceAccount:|  annotations:|    [\w.\/-]+: |podLabels:|  azure)/.test(l))
      .map((l) => '  ' + l.slice(4).replace(/\s+#.*$/, ''))
      .join('\n');
    const ours = [yaml11(text), yaml11(`repoServer:\n${suggested}\n`)];
    expect(Object.keys(ours[1]!.repoServer).sort()).toEqual(['podLabels', 'serviceAccount']);
    const unknown: string[] = [];
    // A key must exist in the chart's values; below a key whose chart value is a list, an empty map or a
    // scalar, the content is the user's (containers, volumes, annotations), not the chart's.
    const walk = (o: Any, c: Any, at: string) => {
      for (const [k, v] of Object.entries(o)) {
        if (!(k in c)) unknown.push(`${at}${k}`);
        else if (v && typeof v === 'object' && !Array.isArray(v) && c[k] && typeof c[k] === 'object' && !Array.isArray(c[k]) && Object.keys(c[k]).length > 0) walk(v as Any, c[k], `${at}${k}.`);
      }
    };
    for (const o of ours) walk(o, chart, '');
    expect(unknown).toEqual([]);
    // What the chart makes of the ones we set: lists it renders as given.
    expect(Array.isArray(chart.repoServer.extraContainers) && Array.isArray(chart.repoServer.volumes) && Array.isArray(chart.extraObjects)).toBe(true);
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
