import type { ClusterTokenResponse } from '@kubently/protocol';

import type { CliIo } from '../cli-io.js';
import { selfCommand } from '../self-command.js';

/** The token is shown once, with the exact commands that start an executor with it. */
export async function printExecutorToken(
  io: CliIo,
  url: string,
  response: ClusterTokenResponse,
  action: string,
): Promise<void> {
  const { id, token } = response;
  const self = (await selfCommand(io)).shell;
  const lines = [
    `Cluster "${id}" ${action} on ${url}.`,
    '',
    'Executor token (shown only once; store it now, the server keeps only a hash):',
    `  ${token}`,
    '',
    'Run its executor inside the target cluster (one command, with kubectl pointing at that cluster;',
    'add --executor-api-url URL if the cluster reaches the server at another address):',
    `  ${self} manifests ${id} --token ${token} --api-url ${url} | kubectl apply -f -`,
    '',
    'Or start an executor on a machine whose kubeconfig points at the cluster:',
    `  ${self} executor --api-url ${url} --cluster ${id} --token ${token}`,
    "or with the seed executor's environment variables:",
    `  KUBENTLY_API_URL=${url} CLUSTER_ID=${id} KUBENTLY_TOKEN=${token} ${self} executor`,
  ];
  if (response.previousTokenExpiresAt !== undefined) {
    lines.push('', `The previous token keeps working until ${response.previousTokenExpiresAt}.`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
}
