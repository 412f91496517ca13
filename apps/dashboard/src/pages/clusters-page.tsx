import { clusterListSchema } from '@kubently/protocol';
import type { ClusterInfo } from '@kubently/protocol';

import type { ApiClient } from '../api/api-client.js';
import { ago } from '../ui/format.js';
import { useAsync } from '../ui/use-async.js';

const refreshMs = 3000;

const reachability = (cluster: ClusterInfo): { text: string; tone: string } => {
  const status = cluster.apiServer?.status;
  if (status === undefined) return { text: 'not reported', tone: 'muted' };
  if (status === 'reachable') return { text: 'reachable', tone: 'ok' };
  return { text: status, tone: 'bad' };
};

/** Every cluster the key may see, refreshed every few seconds (GET /v1/clusters). */
export const ClustersPage = ({ api }: { api: ApiClient }) => {
  const { state } = useAsync(
    async (signal) => ({ list: await api.get('/v1/clusters', clusterListSchema, signal), at: Date.now() }),
    [api],
    refreshMs,
  );
  return (
    <section aria-labelledby="clusters-title">
      <h1 id="clusters-title">Clusters</h1>
      <p className="hint">Updates every {refreshMs / 1000} s.</p>
      {state.type === 'loading' ? <p aria-busy="true">Loading clusters…</p> : null}
      {state.type === 'failed' ? (
        <p role="alert" className="error">
          {state.message}
        </p>
      ) : null}
      {state.type === 'ready' && state.value.list.clusters.length === 0 ? (
        <p>No cluster is registered (or none is in your key&apos;s scope).</p>
      ) : null}
      {state.type === 'ready' && state.value.list.clusters.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Clusters and their executors</caption>
            <thead>
              <tr>
                <th scope="col">Cluster</th>
                <th scope="col">Executor link</th>
                <th scope="col">Executors</th>
                <th scope="col">Mode</th>
                <th scope="col">API server</th>
                <th scope="col">Versions</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {state.value.list.clusters.map((cluster) => {
                const reach = reachability(cluster);
                return (
                  <tr key={cluster.id} data-cluster={cluster.id}>
                    <th scope="row">{cluster.id}</th>
                    <td>
                      <span className={`badge ${cluster.connected ? 'ok' : 'bad'}`}>
                        {cluster.connected ? 'connected' : 'disconnected'}
                      </span>
                    </td>
                    <td>{cluster.executors}</td>
                    <td>{cluster.mode ?? '–'}</td>
                    <td>
                      <span className={`badge ${reach.tone}`}>{reach.text}</span>
                      {cluster.apiServer?.message ? (
                        <span className="small block">{cluster.apiServer.message}</span>
                      ) : null}
                    </td>
                    <td className="small">
                      executor {cluster.executorVersion ?? '–'}
                      <br />
                      kubectl {cluster.kubectlVersion ?? '–'}
                      <br />
                      Kubernetes {cluster.kubernetesVersion ?? '–'}
                    </td>
                    <td>{ago(cluster.lastSeenAt, state.value.at)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
};
