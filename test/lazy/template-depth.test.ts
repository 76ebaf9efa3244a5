// How deep a template's recursion goes (ADR 11; docs/templates.md, "Deep nesting"). Go stops at 100,000
// nested template calls; eso-render's JavaScript stack ends first, and where it ends depends on what each
// call nests and on V8's compiler, which ADR 11 turns on only for large inputs. A breaker showed that a
// 1,500-deep recursion rendered or failed by whether a comment named `external-secrets.io/` 1,500 times.
// What holds: a recursion well inside the stack renders the same either way, and one past it fails the
// run the same way either way, with a message that says where the limit lies (never the depth reached).
import { describe, expect, it } from 'vitest';
import { STACK_ENDED } from '../../src/common/stack-overflow.js';
import { runCli } from '../helpers/cli.js';
import { fakeStoreYaml } from '../helpers/fake-store.js';

/** An ExternalSecret whose template calls itself `depth` deep, after 300 shallow calls (the exec code warms up). */
const deep = (depth: number) => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: deep
  namespace: apps
spec:
  secretStoreRef:
    kind: ClusterSecretStore
    name: fake
  target:
    template:
      engineVersion: v2
      data:
        out: '{{- define "r" -}}{{- if gt . 0 -}}x{{- template "r" (sub . 1) -}}{{- end -}}{{- end -}}{{- range until 300 -}}{{- template "r" 20 -}}{{- end -}}{{- template "r" ${depth} -}}'
  data:
  - secretKey: password
    remoteRef:
      key: /db/password
`;
const stream = (depth: number) => `${fakeStoreYaml}---\n${deep(depth)}`;
// The same stream with a comment that names the ESO group 1,500 times: TurboFan is on for it (ADR 11).
const mentioned = (depth: number) => `# ${'external-secrets.io/ '.repeat(1500)}\n${stream(depth)}`;

describe('template recursion, with TurboFan off (a small input) and on (a comment that counts as a large one)', () => {
  it('500 deep renders, the same either way', async () => {
    const [off, on] = await Promise.all([runCli(['render', '-q'], stream(500)), runCli(['render', '-q'], mentioned(500))]);
    expect(off.stderr).toBe('');
    expect(off.code).toBe(0);
    expect(off.stdout).toContain(`out: ${Buffer.from('x'.repeat(300 * 20 + 500)).toString('base64')}\n`);
    expect({ code: on.code, stderr: on.stderr }).toEqual({ code: 0, stderr: '' });
    expect(on.stdout === off.stdout).toBe(true);
  });

  it('20,000 deep fails the run either way, nothing written, the limit named and no depth', async () => {
    for (const input of [stream(20_000), mentioned(20_000)]) {
      const r = await runCli(['render', '-q'], input);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `[error] external-secrets.io/v1/ExternalSecret/apps/deep spec.target.template.data.out: could not apply template: unable to execute template at key out: template: spec.target.template.data.out: ${STACK_ENDED}\n`,
      );
    }
  });
});
