// Fidelity breaker, end to end (issue 19): `eso-render render` reads stdin lazily; with two ESO documents
// that fail in different ways (an undefined alias in one, a YAML syntax error in the other), it must
// report what the whole-stream reader reports (only the YAML error), as before lazy reading. It reports
// both today (src/frontends/stream-lazy.break.test.ts has the reader-level cases). Needs `npm run build`.
import { describe, expect, it } from 'vitest';
import { readManifests } from '../../src/frontends/stream.js';
import { runCli } from '../helpers/cli.js';
import { fakeStoreYaml } from '../helpers/fake-store.js';

const store = fakeStoreYaml;
const es = (name: string, extra: string) => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: ${name}
  namespace: apps
${extra}spec:
  secretStoreRef: { kind: ClusterSecretStore, name: fake }
  data:
  - secretKey: password
    remoteRef: { key: /db/password }
`;

describe('render: errors of a stream with two failing ESO documents', () => {
  const input = `${store}---\n${es('a', '  labels: {x: *nope}\n')}---\n${es('b', '  note: "unterminated\n')}`;

  it('are the whole-stream reader\'s, and hold no value', async () => {
    const expected = readManifests(input, '<stdin>').errors.map((e) => `[error] ${e.message}`);
    expect(expected).toHaveLength(1); // the premise: only the YAML error
    const r = await runCli(['render'], input);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain('s3cr3t-value');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('[error]'))).toEqual(expected);
  });
});
