import { commandCheckResponseSchema, commandResponseSchema } from '@kubently/protocol';
import type { CommandCheckResponse, CommandResponse } from '@kubently/protocol';
import { useEffect, useState } from 'react';
import type { SyntheticEvent } from 'react';

import type { ApiClient } from '../api/api-client.js';
import { ApiError, messageOf } from '../api/api-error.js';
import { ClusterPicker } from '../ui/cluster-picker.js';
import { commandLine, duration } from '../ui/format.js';
import { RedactedOutput } from '../ui/redacted-output.js';

type Verdict =
  | { readonly type: 'idle' }
  | { readonly type: 'checking' }
  | { readonly type: 'checked'; readonly check: CommandCheckResponse }
  | { readonly type: 'invalid'; readonly message: string };

type Run =
  | { readonly type: 'idle' }
  | { readonly type: 'running'; readonly argv: string }
  | { readonly type: 'done'; readonly response: CommandResponse }
  | { readonly type: 'refused'; readonly code: string; readonly message: string };

const checkDelayMs = 250;

/**
 * Type a kubectl command; the policy's verdict shows before it is sent (POST /v1/commands/check),
 * then the run's output with Kubently's redaction markers visible (POST /v1/commands).
 */
export const ConsolePage = ({ api }: { api: ApiClient }) => {
  const [clusterId, setClusterId] = useState('');
  const [namespace, setNamespace] = useState('');
  const [command, setCommand] = useState('get pods -A');
  const [verdict, setVerdict] = useState<Verdict>({ type: 'idle' });
  const [run, setRun] = useState<Run>({ type: 'idle' });

  const commandText = command.trim().replace(/^kubectl\s+/, '');
  const namespaceText = namespace.trim();
  const request = {
    clusterId,
    command: commandText,
    ...(namespaceText === '' ? {} : { namespace: namespaceText }),
  };

  useEffect(() => {
    const check = {
      clusterId,
      command: commandText,
      ...(namespaceText === '' ? {} : { namespace: namespaceText }),
    };
    if (clusterId === '' || commandText === '') {
      setVerdict({ type: 'idle' });
      return;
    }
    const controller = new AbortController();
    setVerdict({ type: 'checking' });
    const timer = setTimeout(() => {
      api.post('/v1/commands/check', check, commandCheckResponseSchema, controller.signal).then(
        (check) => {
          setVerdict({ type: 'checked', check });
        },
        (error: unknown) => {
          if (!controller.signal.aborted) setVerdict({ type: 'invalid', message: messageOf(error) });
        },
      );
    }, checkDelayMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, clusterId, commandText, namespaceText]);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (clusterId === '' || request.command === '') return;
    setRun({ type: 'running', argv: `kubectl ${request.command}` });
    api.post('/v1/commands', { ...request, timeoutSeconds: 30 }, commandResponseSchema).then(
      (response) => {
        setRun({ type: 'done', response });
      },
      (error: unknown) => {
        setRun(
          error instanceof ApiError
            ? { type: 'refused', code: error.code, message: error.message }
            : { type: 'refused', code: 'error', message: messageOf(error) },
        );
      },
    );
  };

  return (
    <section aria-labelledby="console-title">
      <h1 id="console-title">Console</h1>
      <form className="console-form" onSubmit={submit}>
        <div className="field">
          <ClusterPicker api={api} value={clusterId} onChange={setClusterId} id="console-cluster" />
        </div>
        <div className="field">
          <label htmlFor="console-namespace">Namespace</label>
          <input
            id="console-namespace"
            value={namespace}
            placeholder="(as in the command)"
            onChange={(event) => {
              setNamespace(event.target.value);
            }}
          />
        </div>
        <div className="field grow">
          <label htmlFor="console-command">kubectl</label>
          <input
            id="console-command"
            className="mono"
            value={command}
            spellCheck={false}
            autoComplete="off"
            aria-describedby="console-verdict"
            onChange={(event) => {
              setCommand(event.target.value);
            }}
          />
        </div>
        <button type="submit" disabled={run.type === 'running' || clusterId === ''}>
          Run
        </button>
      </form>
      <div id="console-verdict" className="verdict" role="status" aria-live="polite">
        <VerdictView verdict={verdict} />
      </div>
      <RunView run={run} />
    </section>
  );
};

const VerdictView = ({ verdict }: { verdict: Verdict }) => {
  switch (verdict.type) {
    case 'idle':
      return <span className="muted">Type a command to see the policy&apos;s verdict.</span>;
    case 'checking':
      return <span className="muted">Checking the policy…</span>;
    case 'invalid':
      return <span className="badge bad">{verdict.message}</span>;
    case 'checked':
      return verdict.check.verdict === 'allowed' ? (
        <>
          <span className="badge ok">allowed</span> <code>{commandLine(verdict.check.argv)}</code>
        </>
      ) : (
        <>
          <span className="badge denied">denied</span> <span className="reason">{verdict.check.reason}</span>
        </>
      );
  }
};

const RunView = ({ run }: { run: Run }) => {
  switch (run.type) {
    case 'idle':
      return null;
    case 'running':
      return (
        <p aria-busy="true" className="muted">
          Running <code>{run.argv}</code>…
        </p>
      );
    case 'refused':
      return (
        <p role="alert" className={run.code === 'policy_denied' ? 'denial' : 'error'}>
          <strong>{run.code === 'policy_denied' ? 'Denied by the policy' : run.code}:</strong> {run.message}
        </p>
      );
    case 'done': {
      const { response } = run;
      return (
        <div className="run-result" data-status={response.status}>
          <p>
            <span className={`badge ${response.status === 'succeeded' ? 'ok' : 'bad'}`}>
              {response.status}
            </span>{' '}
            <code>{commandLine(response.args)}</code> · exit {response.exitCode ?? '–'} ·{' '}
            {duration(response.durationMs)}
            {response.redactions ? ` · ${response.redactions} value(s) redacted` : ''}
            {response.truncated === true ? ' · output truncated' : ''}
          </p>
          {response.failure ? <p className="error">{response.failure.message}</p> : null}
          {response.stdout ? <RedactedOutput text={response.stdout} label="Output" /> : null}
          {response.stderr ? <RedactedOutput text={response.stderr} label="Errors" /> : null}
        </div>
      );
    }
  }
};
