import { diagnoseResponseSchema, diagnosisSeverities } from '@kubently/protocol';
import type { DiagnoseResponse, DiagnosisFinding } from '@kubently/protocol';
import { useState } from 'react';
import type { SyntheticEvent } from 'react';

import type { ApiClient } from '../api/api-client.js';
import { messageOf } from '../api/api-error.js';
import { ClusterPicker } from '../ui/cluster-picker.js';
import { duration } from '../ui/format.js';

type Severity = (typeof diagnosisSeverities)[number];

type Run =
  | { readonly type: 'idle' }
  | { readonly type: 'running' }
  | { readonly type: 'done'; readonly report: DiagnoseResponse }
  | { readonly type: 'failed'; readonly message: string };

const rank: Readonly<Record<Severity, number>> = { critical: 0, warning: 1, info: 2 };

const refOf = (finding: DiagnosisFinding): string =>
  `${finding.resource.kind} ${finding.resource.namespace === '' ? '' : `${finding.resource.namespace}/`}${finding.resource.name}`;

/**
 * Root causes as a tree (POST /v1/clusters/:id/diagnose): each cause with the symptoms it explains,
 * its evidence and the exact kubectl command that proves each piece, filtered by severity.
 */
export const DiagnosisPage = ({ api }: { api: ApiClient }) => {
  const [clusterId, setClusterId] = useState('');
  const [namespaces, setNamespaces] = useState('');
  const [minSeverity, setMinSeverity] = useState<Severity>('info');
  const [run, setRun] = useState<Run>({ type: 'idle' });

  const diagnose = (event?: SyntheticEvent): void => {
    event?.preventDefault();
    if (clusterId === '') return;
    const names = namespaces
      .split(/[\s,]+/)
      .map((name) => name.trim())
      .filter((name) => name !== '');
    setRun({ type: 'running' });
    api
      .post(
        `/v1/clusters/${encodeURIComponent(clusterId)}/diagnose`,
        names.length === 0 ? {} : { namespaces: names },
        diagnoseResponseSchema,
      )
      .then(
        (report) => {
          setRun({ type: 'done', report });
        },
        (error: unknown) => {
          setRun({ type: 'failed', message: messageOf(error) });
        },
      );
  };

  return (
    <section aria-labelledby="diagnosis-title">
      <h1 id="diagnosis-title">Diagnosis</h1>
      <form className="console-form" onSubmit={diagnose}>
        <div className="field">
          <ClusterPicker api={api} value={clusterId} onChange={setClusterId} id="diagnosis-cluster" />
        </div>
        <div className="field grow">
          <label htmlFor="diagnosis-namespaces">Namespaces</label>
          <input
            id="diagnosis-namespaces"
            value={namespaces}
            placeholder="all (or: shop, payments)"
            onChange={(event) => {
              setNamespaces(event.target.value);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="diagnosis-severity">At least</label>
          <select
            id="diagnosis-severity"
            value={minSeverity}
            onChange={(event) => {
              const next = diagnosisSeverities.find((severity) => severity === event.target.value);
              if (next !== undefined) setMinSeverity(next);
            }}
          >
            {diagnosisSeverities.map((severity) => (
              <option key={severity} value={severity}>
                {severity}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={run.type === 'running' || clusterId === ''}>
          {run.type === 'done' ? 'Re-run' : 'Diagnose'}
        </button>
      </form>
      {run.type === 'running' ? (
        <p aria-busy="true" className="muted">
          Collecting the cluster&apos;s state and running the rules…
        </p>
      ) : null}
      {run.type === 'failed' ? (
        <p role="alert" className="error">
          {run.message}
        </p>
      ) : null}
      {run.type === 'done' ? <Report report={run.report} minSeverity={minSeverity} /> : null}
    </section>
  );
};

const Report = ({ report, minSeverity }: { report: DiagnoseResponse; minSeverity: Severity }) => {
  const byId = new Map([...report.findings, ...report.symptoms].map((finding) => [finding.id, finding]));
  const causes = report.findings.filter((finding) => rank[finding.severity] <= rank[minSeverity]);
  const { summary } = report;
  return (
    <>
      <p className="summary" role="status">
        {summary.rootCauses} root cause(s) explaining {summary.symptoms} symptom(s) ·{' '}
        {summary.bySeverity.critical} critical, {summary.bySeverity.warning} warning,{' '}
        {summary.bySeverity.info} info · {summary.objectsScanned} objects, {report.collection.commands.length}{' '}
        commands in {duration(report.collection.durationMs)}
      </p>
      {report.collection.warnings.map((warning) => (
        <p key={`${warning.kind}-${warning.problem}`} className="warning">
          {warning.kind}: {warning.message} {warning.fix}
        </p>
      ))}
      {causes.length === 0 ? <p>No finding at this severity or above.</p> : null}
      <ul className="tree" aria-label="Root causes">
        {causes.map((finding) => (
          <li key={finding.id}>
            <FindingNode finding={finding} byId={byId} depth={0} />
          </li>
        ))}
      </ul>
    </>
  );
};

const FindingNode = ({
  finding,
  byId,
  depth,
}: {
  finding: DiagnosisFinding;
  byId: ReadonlyMap<string, DiagnosisFinding>;
  depth: number;
}) => {
  const explained = finding.causes
    .map((id) => byId.get(id))
    .filter((child): child is DiagnosisFinding => child !== undefined);
  return (
    <details className={`finding severity-${finding.severity}`} data-rule={finding.rule}>
      <summary>
        <span className={`badge sev-${finding.severity}`}>{finding.severity}</span>{' '}
        <strong>{finding.summary}</strong> <span className="small">{refOf(finding)}</span>
        {explained.length > 0 ? <span className="small"> · explains {explained.length}</span> : null}
      </summary>
      <div className="finding-body">
        <p>
          <strong>Root cause:</strong> {finding.rootCause}
        </p>
        <p>
          <strong>Fix:</strong> {finding.remediation}
        </p>
        {finding.evidence.length > 0 ? (
          <>
            <h3>Evidence</h3>
            <ul className="evidence">
              {finding.evidence.map((evidence, index) => (
                <li key={index}>
                  {evidence.type === 'field'
                    ? `${evidence.object.kind} ${evidence.object.name}: ${evidence.path} = ${evidence.value}`
                    : evidence.type === 'event'
                      ? `event ${evidence.reason} (×${evidence.count}): ${evidence.message}`
                      : `${evidence.object.kind} ${evidence.object.name}: ${evidence.detail}`}
                  <code className="block proof">{evidence.command}</code>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {explained.length > 0 && depth < 4 ? (
          <>
            <h3>Symptoms it explains</h3>
            <ul className="tree">
              {explained.map((child) => (
                <li key={child.id}>
                  <FindingNode finding={child} byId={byId} depth={depth + 1} />
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </details>
  );
};
