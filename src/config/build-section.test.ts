import { expect, it } from 'vitest';
import { loadRenderConfig } from './renderconfig.js';

const cfg = (spec: unknown) => ({ apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', metadata: { name: 'p' }, spec });

it('spec.build.allowRemoteBases is read into the options', () => {
  const { options, problems } = loadRenderConfig(cfg({ build: { allowRemoteBases: ['https://github.com/example-org/*'] } }), '/');
  expect(problems).toEqual([]);
  expect(options.build).toEqual({ allowRemoteBases: ['https://github.com/example-org/*'] });
});

it('spec.build refuses unknown fields, non-lists and a glob that matches every URL', () => {
  const { problems } = loadRenderConfig(cfg({ build: { allowRemote: [], allowRemoteBases: ['*'] } }), '/');
  expect(problems.map((p) => `${p.field?.path}: ${p.message}`)).toEqual([
    'spec.build.allowRemote: unknown field; expected allowRemoteBases',
    'spec.build.allowRemoteBases[0]: must name a host, not match every URL',
  ]);
});
