import { auditListSchema } from '@kubently/protocol';
import { useState } from 'react';
import type { SyntheticEvent } from 'react';

import type { ApiClient } from '../api/api-client.js';
import { toCsv } from '../ui/audit-csv.js';
import { CommandFilters, CommandTable, matches } from '../ui/command-table.js';
import type { CommandFilter } from '../ui/command-table.js';
import { useAsync } from '../ui/use-async.js';

interface Query {
  readonly since: string;
  readonly limit: number;
}

const download = (name: string, type: string, text: string): void => {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
};

/** The audit log (GET /v1/audit, admins): filters, and export of what is shown as JSON or CSV. */
export const AuditPage = ({ api }: { api: ApiClient }) => {
  const [query, setQuery] = useState<Query>({ since: '', limit: 200 });
  const [draft, setDraft] = useState<Query>(query);
  const [filter, setFilter] = useState<CommandFilter>({ clusterId: '', identity: '', outcome: '' });
  const { state, reload } = useAsync(
    (signal) => {
      const params = new URLSearchParams({ limit: String(query.limit) });
      if (query.since !== '') params.set('since', new Date(query.since).toISOString());
      if (filter.clusterId !== '') params.set('clusterId', filter.clusterId);
      return api.get(`/v1/audit?${params.toString()}`, auditListSchema, signal);
    },
    [api, query, filter.clusterId],
  );
  const records = state.type === 'ready' ? state.value.records : [];
  const shown = records.filter((record) => matches(record, filter));
  const clusters = [...new Set([...records.map((record) => record.clusterId), filter.clusterId])]
    .filter((id) => id !== '')
    .sort();
  const apply = (event: SyntheticEvent): void => {
    event.preventDefault();
    setQuery(draft);
  };
  const stamp = new Date().toISOString().replaceAll(':', '-');
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form className="console-form" onSubmit={apply}>
        <div className="field">
          <label htmlFor="audit-since">Since</label>
          <input
            id="audit-since"
            type="datetime-local"
            value={draft.since}
            onChange={(event) => {
              setDraft({ ...draft, since: event.target.value });
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-limit">At most</label>
          <input
            id="audit-limit"
            type="number"
            min={1}
            max={1000}
            value={draft.limit}
            onChange={(event) => {
              setDraft({ ...draft, limit: Math.min(1000, Math.max(1, Number(event.target.value) || 1)) });
            }}
          />
        </div>
        <button type="submit">Apply</button>
        <button type="button" onClick={reload}>
          Refresh
        </button>
        <button
          type="button"
          disabled={shown.length === 0}
          onClick={() => {
            download(
              `kubently-audit-${stamp}.json`,
              'application/json',
              `${JSON.stringify(shown, null, 2)}\n`,
            );
          }}
        >
          Export JSON
        </button>
        <button
          type="button"
          disabled={shown.length === 0}
          onClick={() => {
            download(`kubently-audit-${stamp}.csv`, 'text/csv', toCsv(shown));
          }}
        >
          Export CSV
        </button>
      </form>
      <CommandFilters filter={filter} clusters={clusters} onChange={setFilter} />
      {state.type === 'failed' ? (
        <p role="alert" className="error">
          {state.message}
        </p>
      ) : null}
      <p className="hint" role="status">
        {state.type === 'loading' ? 'Loading…' : `${shown.length} of ${records.length} record(s)`}
      </p>
      {shown.length > 0 ? <CommandTable records={shown} caption="Audit records, newest first" /> : null}
    </section>
  );
};
