import type { AuditRecord, Whoami } from '@kubently/protocol';
import { useEffect, useMemo, useState } from 'react';

import type { ApiClient } from '../api/api-client.js';
import { followCommandFeed } from '../api/command-feed.js';
import { CommandFilters, CommandTable, matches } from '../ui/command-table.js';
import type { CommandFilter } from '../ui/command-table.js';

const maxRows = 500;

/** Commands as they happen (GET /v1/commands/stream): an admin sees everyone's, others their own. */
export const FeedPage = ({ api, me }: { api: ApiClient; me: Whoami }) => {
  const [records, setRecords] = useState<readonly AuditRecord[]>([]);
  const [status, setStatus] = useState<{ state: 'connecting' | 'live' | 'reconnecting'; problem?: string }>({
    state: 'connecting',
  });
  const [gaps, setGaps] = useState(0);
  const [filter, setFilter] = useState<CommandFilter>({ clusterId: '', identity: '', outcome: '' });

  useEffect(() => {
    const controller = new AbortController();
    void followCommandFeed(
      api,
      {
        onEvent: (event) => {
          if (event.type === 'gap') {
            setGaps((count) => count + 1);
            return;
          }
          setRecords((current) =>
            current.some((record) => record.id === event.record.id)
              ? current
              : [event.record, ...current].slice(0, maxRows),
          );
        },
        onStatus: (state, problem) => {
          setStatus(problem === undefined ? { state } : { state, problem });
        },
      },
      controller.signal,
    );
    return () => {
      controller.abort();
    };
  }, [api]);

  const clusters = useMemo(() => [...new Set(records.map((record) => record.clusterId))].sort(), [records]);
  const shown = records.filter((record) => matches(record, filter));
  return (
    <section aria-labelledby="feed-title">
      <h1 id="feed-title">Live commands</h1>
      <p className="hint">
        {me.role === 'admin' ? "Everyone's commands" : 'Your commands'}
        {me.clusters === null ? '' : ` on ${me.clusters.join(', ')}`}: argv and outcome, never output.{' '}
        <span role="status" className={`badge ${status.state === 'live' ? 'ok' : 'muted'}`}>
          {status.state}
        </span>
        {status.problem === undefined ? null : <span className="small"> {status.problem}</span>}
      </p>
      {gaps > 0 ? (
        <p className="warning">
          Some commands went by faster than the feed reads; the audit log has them all.
        </p>
      ) : null}
      <CommandFilters filter={filter} clusters={clusters} onChange={setFilter} />
      <div className="scroll-box" aria-live="polite" aria-relevant="additions">
        {shown.length === 0 ? (
          <p className="empty">No commands yet.</p>
        ) : (
          <CommandTable records={shown} caption="Live command feed, newest first" />
        )}
      </div>
    </section>
  );
};
