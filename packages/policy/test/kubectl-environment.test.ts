import { describe, expect, it } from 'vitest';

import {
  isolatedKubectlEnvironment,
  kubeconfigRunsCredentialPlugin,
  kubectlEnvironmentRefusal,
} from '@kubently/policy';

describe('kubectl environment', () => {
  it('refuses the variables that switch a kuberc on, move the cache or hold Kubently secrets', () => {
    for (const name of ['KUBERC', 'KUBECTL_KUBERC', 'KUBECACHEDIR', 'KUBENTLY_TOKEN', 'KUBENTLY_API_KEY']) {
      expect(kubectlEnvironmentRefusal(name), name).not.toBeNull();
    }
    for (const name of ['HOME', 'AWS_PROFILE', 'KUBECONFIG', 'PATH']) {
      expect(kubectlEnvironmentRefusal(name), name).toBeNull();
    }
  });

  it('sets KUBERC=off, HOME and KUBECACHEDIR whatever the base says, and drops refused variables', () => {
    const environment = isolatedKubectlEnvironment(
      {
        PATH: '/bin',
        HOME: '/home/user',
        KUBERC: '/home/user/.kube/kuberc',
        KUBECTL_KUBERC: 'true',
        KUBECACHEDIR: '/shared/cache',
        KUBENTLY_API_KEY: 'k',
        UNSET: undefined,
      },
      { home: '/private/home', cacheDirectory: '/private/cache' },
    );
    expect(environment).toEqual({
      PATH: '/bin',
      HOME: '/private/home',
      KUBERC: 'off',
      KUBECACHEDIR: '/private/cache',
    });
  });

  it('sees a credential plugin in the output of config view --minify -o json', () => {
    const view = (user: unknown): string =>
      JSON.stringify({ kind: 'Config', users: [{ name: 'u', user }], contexts: [] });
    expect(kubeconfigRunsCredentialPlugin(view({ exec: { command: 'aws' } }))).toBe(true);
    expect(kubeconfigRunsCredentialPlugin(view({ 'auth-provider': { name: 'gcp' } }))).toBe(true);
    expect(kubeconfigRunsCredentialPlugin(view({ token: 'REDACTED' }))).toBe(false);
    expect(kubeconfigRunsCredentialPlugin(view(null))).toBe(false);
    expect(kubeconfigRunsCredentialPlugin(JSON.stringify({ kind: 'Config', users: null }))).toBe(false);
    expect(kubeconfigRunsCredentialPlugin('')).toBe(false);
    expect(kubeconfigRunsCredentialPlugin('error: current-context must exist in order to minify')).toBe(
      false,
    );
  });
});
