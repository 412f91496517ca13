import { stringify } from 'yaml';

export interface KubeconfigInput {
  /** Cluster, user and context name. */
  readonly name: string;
  /** `https://127.0.0.1:<port>` */
  readonly server: string;
  /** PEM bundle that verifies the serving certificate. */
  readonly caPem: string;
  readonly token: string;
}

/** A kubeconfig with one cluster, one token user and one current context. */
export function renderKubeconfig(input: KubeconfigInput): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: input.name,
        cluster: {
          server: input.server,
          'certificate-authority-data': Buffer.from(input.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: input.name, user: { token: input.token } }],
    contexts: [{ name: input.name, context: { cluster: input.name, user: input.name } }],
    'current-context': input.name,
    preferences: {},
  });
}
