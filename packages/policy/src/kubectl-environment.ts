import { z } from 'zod';

/**
 * Variables that change what a kubectl command does, so no caller setting may pass them to kubectl.
 * kubectl >= 1.34 reads `$HOME/.kube/kuberc` by default; its `defaults` can turn `get secrets` into
 * `-o yaml` (a full dump the policy read as a table) and re-enable watch and follow, and its aliases
 * rename commands. KUBERC names another file (or `off`), KUBECTL_KUBERC switches the feature, and
 * KUBECACHEDIR holds the discovery cache that maps the names the policy checked to API resources.
 */
const refused: ReadonlyMap<string, string> = new Map([
  ['KUBERC', 'kubectl always runs with KUBERC=off: a kuberc can change what a command prints'],
  ['KUBECTL_KUBERC', 'kubectl always runs with KUBERC=off: a kuberc can change what a command prints'],
  [
    'KUBECACHEDIR',
    'kubectl keeps its discovery cache in a private directory: a shared cache can remap resource names',
  ],
]);

/** Why `name` may not be passed through to kubectl, or null when it may. */
export function kubectlEnvironmentRefusal(name: string): string | null {
  if (name.startsWith('KUBENTLY_'))
    return 'Kubently variables hold API keys and tokens: kubectl never sees them';
  return refused.get(name) ?? null;
}

export interface KubectlIsolation {
  /** kubectl's HOME: a private directory, or the real HOME when a credential plugin needs it. */
  readonly home: string;
  /** A private directory for the discovery and HTTP caches (KUBECACHEDIR). */
  readonly cacheDirectory: string;
}

/**
 * The environment kubectl runs with: `base` without any refused variable, plus KUBERC=off, the
 * chosen HOME and a private KUBECACHEDIR. `base` must already name the kubeconfig (KUBECONFIG)
 * when one is used: with another HOME, kubectl no longer finds `~/.kube/config` by itself.
 */
export function isolatedKubectlEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  isolation: KubectlIsolation,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && kubectlEnvironmentRefusal(name) === null) environment[name] = value;
  }
  environment['KUBERC'] = 'off';
  environment['HOME'] = isolation.home;
  environment['KUBECACHEDIR'] = isolation.cacheDirectory;
  return environment;
}

/** argv that prints the kubeconfig entries kubectl would use (current context only), as JSON. */
export const kubeconfigProbeArgs: readonly string[] = ['config', 'view', '--minify', '-o', 'json'];

const minifiedKubeconfigSchema = z.object({
  users: z
    .array(
      z.object({
        user: z.object({ exec: z.unknown().optional(), 'auth-provider': z.unknown().optional() }).nullish(),
      }),
    )
    .nullish(),
});

/**
 * True when the output of `kubeconfigProbeArgs` shows a user that runs a credential plugin (`exec`,
 * or a legacy `auth-provider`): such plugins (aws, gke-gcloud-auth-plugin, kubelogin) read their own
 * configuration under the real HOME. Anything that does not parse counts as no plugin.
 */
export function kubeconfigRunsCredentialPlugin(probeStdout: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(probeStdout);
  } catch {
    return false;
  }
  const parsed = minifiedKubeconfigSchema.safeParse(json);
  if (!parsed.success) return false;
  return (parsed.data.users ?? []).some(
    (entry) => entry.user?.exec != null || entry.user?.['auth-provider'] != null,
  );
}
