import { clusterListSchema } from '@kubently/protocol';
import { useEffect } from 'react';

import type { ApiClient } from '../api/api-client.js';
import { useAsync } from './use-async.js';

/** A select of the clusters the key may see; picks the first connected one when none is chosen. */
export const ClusterPicker = ({
  api,
  value,
  onChange,
  id,
}: {
  api: ApiClient;
  value: string;
  onChange: (clusterId: string) => void;
  id: string;
}) => {
  const { state } = useAsync((signal) => api.get('/v1/clusters', clusterListSchema, signal), [api]);
  const clusters = state.type === 'ready' ? state.value.clusters : [];
  useEffect(() => {
    if (value !== '' || clusters.length === 0) return;
    const first = clusters.find((cluster) => cluster.connected) ?? clusters[0];
    if (first !== undefined) onChange(first.id);
  }, [clusters, value, onChange]);
  return (
    <>
      <label htmlFor={id}>Cluster</label>
      <select
        id={id}
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      >
        {value === '' ? (
          <option value="">{state.type === 'loading' ? 'loading…' : 'no cluster'}</option>
        ) : null}
        {clusters.map((cluster) => (
          <option key={cluster.id} value={cluster.id}>
            {cluster.id}
            {cluster.connected ? '' : ' (disconnected)'}
          </option>
        ))}
      </select>
      {state.type === 'failed' ? (
        <span role="alert" className="error">
          {state.message}
        </span>
      ) : null}
    </>
  );
};
