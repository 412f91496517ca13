import { writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

import type { ClusterAccess } from './cluster-access.js';

/**
 * Writes what kubectl needs beyond the operator's files into `directory` (private, removed at close)
 * and returns the KUBECONFIG value kubectl runs with, or null to leave it unset.
 * - in-cluster: a kubeconfig naming the ServiceAccount's token file (`tokenFile`, read by every
 *   kubectl run, so a token the kubelet rotated is used at once), CA file and namespace;
 * - a context: a one-line kubeconfig setting `current-context`, listed first in KUBECONFIG (the
 *   first file that sets it wins), so the operator's file is used unchanged.
 */
export async function writeClusterKubeconfig(
  access: ClusterAccess,
  directory: string,
): Promise<string | null> {
  switch (access.type) {
    case 'inCluster': {
      const path = join(directory, 'in-cluster.kubeconfig');
      const document = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'in-cluster', cluster: { server: access.server, 'certificate-authority': access.caFile } },
        ],
        users: [{ name: 'service-account', user: { tokenFile: access.tokenFile } }],
        contexts: [
          {
            name: 'in-cluster',
            context: {
              cluster: 'in-cluster',
              user: 'service-account',
              ...(access.namespace === null ? {} : { namespace: access.namespace }),
            },
          },
        ],
        'current-context': 'in-cluster',
      };
      await writeFile(path, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
      return path;
    }
    case 'kubeconfig': {
      if (access.context === null) return access.path;
      const pin = join(directory, 'context.kubeconfig');
      const document = { apiVersion: 'v1', kind: 'Config', 'current-context': access.context };
      await writeFile(pin, `${JSON.stringify(document)}\n`, { mode: 0o600 });
      return access.path === null ? pin : `${pin}${delimiter}${access.path}`;
    }
  }
}
