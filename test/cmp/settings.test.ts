// How generate reads an Application's settings: ARGOCD_APP_PARAMETERS as Argo CD marshals it, PARAM_*
// when it is absent, ARGOCD_ENV_ESO_RENDER_* below both; and the paths and options it refuses.
import { describe, expect, it } from 'vitest';
import { buildEnv, repositoryRoot } from '../../src/frontends/build-app.js';
import { checkAppKustomizeOptions, paramEnvName, readGenerateSettings } from '../../src/frontends/cmp-settings.js';

describe('generate settings', () => {
  it('reads ARGOCD_APP_PARAMETERS as Go marshals it (sorted keys, HTML-escaped)', () => {
    const env = {
      ARGOCD_APP_PARAMETERS:
        '[{"array":["values-dev.yaml","a\\u0026b.yaml"],"name":"helm-values-files"},{"map":{"image.tag":"v1.2.3","x":"\\u003cy\\u003e"},"name":"helm-parameters"},{"name":"build-mode","string":"helm"}]',
    };
    const { settings, problems } = readGenerateSettings(env);
    expect(problems).toEqual([]);
    expect(settings.buildMode).toBe('helm');
    expect(settings.helmValuesFiles).toEqual(['values-dev.yaml', 'a&b.yaml']);
    expect(settings.helmParameters).toEqual([
      ['image.tag', 'v1.2.3'],
      ['x', '<y>'],
    ]);
  });

  it('`null` parameters (a plugin section without any) are none', () => {
    expect(readGenerateSettings({ ARGOCD_APP_PARAMETERS: 'null' })).toMatchObject({ problems: [], settings: { buildMode: 'auto', allowEmpty: false } });
  });

  it('without ARGOCD_APP_PARAMETERS, strings and arrays come from PARAM_*', () => {
    expect(paramEnvName('helm-values-files')).toBe('PARAM_HELM_VALUES_FILES');
    const { settings, problems } = readGenerateSettings({
      PARAM_BUILD_MODE: 'plain',
      PARAM_HELM_VALUES_FILES_0: 'a.yaml',
      PARAM_HELM_VALUES_FILES_1: 'b.yaml',
      PARAM_HELM_VALUES_FILES_3: 'not-contiguous.yaml',
    });
    expect(problems).toEqual([]);
    expect(settings.buildMode).toBe('plain');
    expect(settings.helmValuesFiles).toEqual(['a.yaml', 'b.yaml']);
  });

  it('ARGOCD_APP_PARAMETERS is the source of truth when both are present', () => {
    const { settings } = readGenerateSettings({ ARGOCD_APP_PARAMETERS: '[{"name":"build-mode","string":"kustomize"}]', PARAM_BUILD_MODE: 'plain' });
    expect(settings.buildMode).toBe('kustomize');
  });

  it('plugin.env sets the same options; parameters win', () => {
    const { settings } = readGenerateSettings({
      ARGOCD_ENV_ESO_RENDER_BUILD_MODE: 'plain',
      ARGOCD_ENV_ESO_RENDER_HELM_VALUES_FILES: 'a.yaml, b.yaml',
      ARGOCD_ENV_ESO_RENDER_DEADLINE: '20s',
      ARGOCD_ENV_ESO_RENDER_ROLLOUT_ON_CHANGE: 'true',
      ARGOCD_APP_PARAMETERS: '[{"name":"build-mode","string":"helm"}]',
    });
    expect(settings).toMatchObject({ buildMode: 'helm', helmValuesFiles: ['a.yaml', 'b.yaml'], deadlineMs: 20_000, rolloutOnChange: true });
  });

  it('refuses wrong shapes and values, naming the parameter or variable and never echoing a JSON value', () => {
    const { problems } = readGenerateSettings({
      ARGOCD_APP_PARAMETERS:
        '[{"name":"build-mode","string":"docker"},{"name":"helm-values-files","string":"a.yaml"},{"name":"helm-parameters","array":["x"]},{"name":"allow-empty","string":"yes"},{"name":"deadline","string":"soon"},{"name":"allow-empty","string":"true"},{"name":"helm-release-name","string":"Bad_Name"}]',
      ARGOCD_ENV_ESO_RENDER_LOG_FORMAT: 'xml',
    });
    expect(problems).toEqual([
      'ARGOCD_ENV_ESO_RENDER_LOG_FORMAT: must be text or json, got "xml"',
      'parameter "build-mode": must be auto, kustomize, helm or plain, got "docker"',
      'parameter "helm-values-files": takes a list (array), not a string or map',
      'parameter "helm-parameters": takes a map, not a string or list',
      'parameter "allow-empty": must be "true" or "false", got "yes"',
      expect.stringMatching(/^parameter "deadline": invalid duration/),
      'parameter "allow-empty": set more than once',
      'parameter "helm-release-name": must be a lower-case DNS label of at most 53 characters, got "Bad_Name"',
    ]);
    const bad = readGenerateSettings({ ARGOCD_APP_PARAMETERS: '{"not":"a list", "secret":"hunter2"' });
    expect(bad.problems).toEqual(['ARGOCD_APP_PARAMETERS is not valid JSON']);
  });

  it('per-Application kustomize options: only those that cannot read outside the repo or run programs', () => {
    expect(checkAppKustomizeOptions(['--enable-helm', '--load-restrictor', 'LoadRestrictionsRootOnly', '--reorder=none', '--helm-kube-version', '1.29.3'])).toBeUndefined();
    for (const bad of [
      ['--load-restrictor', 'LoadRestrictionsNone'],
      ['--load-restrictor=LoadRestrictionsNone'],
      ['--enable-exec'],
      ['--enable-alpha-plugins'],
      ['--helm-command', '/bin/sh'],
      ['--mount', 'type=bind,src=/,dst=/host'],
      ['--network'],
      ['-o', '/tmp/x'],
      ['--enable-helm=false'],
      ['--reorder'],
    ]) {
      expect(checkAppKustomizeOptions(bad), bad.join(' ')).toBeDefined();
    }
  });

  it('the repository root is the app folder minus ARGOCD_APP_SOURCE_PATH', () => {
    expect(repositoryRoot('/tmp/_cmp_server/abc/apps/web', 'apps/web')).toBe('/tmp/_cmp_server/abc');
    expect(repositoryRoot('/tmp/_cmp_server/abc/apps/web', './apps/web/')).toBe('/tmp/_cmp_server/abc');
    expect(repositoryRoot('/tmp/_cmp_server/abc', '.')).toBe('/tmp/_cmp_server/abc');
    expect(repositoryRoot('/tmp/_cmp_server/abc/x', '../escape')).toBe('/tmp/_cmp_server/abc/x');
    expect(repositoryRoot('/tmp/_cmp_server/abc/other', 'apps/web')).toBe('/tmp/_cmp_server/abc/other');
  });

  it('build tools get the build variables and tool settings, not the sidecar credentials', () => {
    const env = buildEnv({
      PATH: '/bin',
      HOME: '/home/argocd',
      HELM_CACHE_HOME: '/tmp/helm',
      HTTPS_PROXY: 'http://proxy:3128',
      ARGOCD_APP_NAME: 'web',
      ARGOCD_ENV_FOO: 'bar',
      KUBE_VERSION: '1.29.3',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token',
      AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token',
      GOOGLE_APPLICATION_CREDENTIALS: '/etc/gcp/key.json',
      VAULT_TOKEN: 'x',
      ESO_RENDER_CONFIG: '/etc/eso-render/config.yaml',
    });
    expect(Object.keys(env).sort()).toEqual(['ARGOCD_APP_NAME', 'ARGOCD_ENV_FOO', 'HELM_CACHE_HOME', 'HOME', 'HTTPS_PROXY', 'KUBE_VERSION', 'PATH']);
  });
});
