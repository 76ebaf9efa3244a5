// On Node 20 the AWS SDK warns on stderr that future versions need Node 22. That line would land in
// every kustomize and Argo CD log, so the provider silences it before the SDK builds a client.
// This file imports no SDK module itself, so the SDK loads here for the first time.

import { expect, it } from 'vitest';
import { makeProviderContext } from '../helpers/provider-context.js';

it('building an AWS client emits no NodeVersionSupportWarning', async () => {
  delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  try {
    const { createClient } = await import('../../src/providers/aws/index.js');
    for (const service of ['SecretsManager', 'ParameterStore']) {
      const client = await createClient(makeProviderContext({ provider: 'aws', spec: { service, region: 'us-east-1' } }));
      await client.close?.();
    }
    // process 'warning' events are delivered on the next tick.
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => /NodeVersionSupportWarning/.test(w))).toEqual([]);
    expect(process.version.startsWith('v20') ? process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED : 'true').toBe('true');
  } finally {
    process.off('warning', onWarning);
  }
});
