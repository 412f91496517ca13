import type { AuditRecord } from '@kubently/protocol';

import { commandLine, duration, time } from './format.js';

const tone = (record: AuditRecord): string =>
  record.outcome === 'succeeded' ? 'ok' : record.outcome === 'denied' ? 'denied' : 'bad';

/** Who ran what where and how it ended; denials stand out (row colour, label and the reason). */
export const CommandTable = ({ records, caption }: { records: readonly AuditRecord[]; caption: string }) => (
  <div className="table-wrap">
    <table className="commands">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Who</th>
          <th scope="col">Cluster</th>
          <th scope="col">Command</th>
          <th scope="col">Outcome</th>
          <th scope="col">Duration</th>
        </tr>
      </thead>
      <tbody>
        {records.map((record) => (
          <tr
            key={record.id}
            className={record.decision === 'denied' ? 'row-denied' : undefined}
            data-outcome={record.outcome}
          >
            <td>
              <time dateTime={record.at}>{time(record.at)}</time>
            </td>
            <td>
              {record.identity}
              <span className="small block">
                {record.role} · {record.source}
              </span>
            </td>
            <td>{record.clusterId}</td>
            <td>
              <code>{commandLine(record.argv)}</code>
              {record.reason === null ? null : <span className="small block reason">{record.reason}</span>}
            </td>
            <td>
              <span className={`badge ${tone(record)}`}>
                {record.outcome}
                {record.exitCode !== null && record.exitCode !== 0 ? ` (exit ${record.exitCode})` : ''}
              </span>
            </td>
            <td>{duration(record.durationMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);

export interface CommandFilter {
  readonly clusterId: string;
  readonly identity: string;
  readonly outcome: string;
}

export const matches = (record: AuditRecord, filter: CommandFilter): boolean =>
  (filter.clusterId === '' || record.clusterId === filter.clusterId) &&
  (filter.identity === '' || record.identity.toLowerCase().includes(filter.identity.toLowerCase())) &&
  (filter.outcome === '' || record.outcome === filter.outcome);

const outcomes = ['succeeded', 'failed', 'denied', 'timeout', 'unavailable'] as const;

/** Filters over a list of command records (cluster, who, outcome). */
export const CommandFilters = ({
  filter,
  clusters,
  onChange,
}: {
  filter: CommandFilter;
  clusters: readonly string[];
  onChange: (next: CommandFilter) => void;
}) => (
  <fieldset className="filters">
    <legend className="visually-hidden">Filters</legend>
    <label>
      Cluster
      <select
        value={filter.clusterId}
        onChange={(event) => {
          onChange({ ...filter, clusterId: event.target.value });
        }}
      >
        <option value="">all</option>
        {clusters.map((id) => (
          <option key={id} value={id}>
            {id}
          </option>
        ))}
      </select>
    </label>
    <label>
      Who
      <input
        type="search"
        value={filter.identity}
        onChange={(event) => {
          onChange({ ...filter, identity: event.target.value });
        }}
      />
    </label>
    <label>
      Outcome
      <select
        value={filter.outcome}
        onChange={(event) => {
          onChange({ ...filter, outcome: event.target.value });
        }}
      >
        <option value="">all</option>
        {outcomes.map((outcome) => (
          <option key={outcome} value={outcome}>
            {outcome}
          </option>
        ))}
      </select>
    </label>
  </fieldset>
);
