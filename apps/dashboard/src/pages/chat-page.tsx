import { useEffect, useRef, useState } from 'react';
import type { SyntheticEvent } from 'react';

import { cancelTask, streamTurn } from '../api/a2a-chat.js';
import type { ApiClient } from '../api/api-client.js';
import { messageOf } from '../api/api-error.js';
import { ClusterPicker } from '../ui/cluster-picker.js';
import { duration } from '../ui/format.js';
import { jsonOrNull } from '../api/sse-reader.js';
import { applyUpdate, storedConversationSchema } from './chat-turn.js';
import type { ChatTurn } from './chat-turn.js';

const storageKey = 'kubently.chat';

interface Conversation {
  readonly contextId: string | null;
  readonly turns: readonly ChatTurn[];
}

const emptyConversation: Conversation = { contextId: null, turns: [] };

/** The conversation survives a reload of the tab (session storage); the server keeps the agent's memory. */
const loadConversation = (): Conversation => {
  const raw = sessionStorage.getItem(storageKey);
  const parsed = storedConversationSchema.safeParse(raw === null ? null : jsonOrNull(raw));
  return parsed.success ? parsed.data : emptyConversation;
};

/**
 * Chat with the agent over A2A (`/a2a`, SendStreamingMessage): every tool call live with its
 * duration and outcome, the answer as it is written, cancel (CancelTask), and the conversation kept.
 */
export const ChatPage = ({ api }: { api: ApiClient }) => {
  const [conversation, setConversation] = useState<Conversation>(loadConversation);
  const [clusterId, setClusterId] = useState('');
  const [question, setQuestion] = useState('');
  const running = useRef<{ controller: AbortController; turnId: string } | null>(null);
  const [isRunning, setIsRunning] = useState(false);

  useEffect(() => {
    sessionStorage.setItem(
      storageKey,
      JSON.stringify({
        ...conversation,
        turns: conversation.turns.filter((turn) => turn.state !== 'running'),
      }),
    );
  }, [conversation]);
  useEffect(() => () => running.current?.controller.abort(), []);

  const update = (turnId: string, change: (turn: ChatTurn) => ChatTurn): void => {
    setConversation((current) => ({
      ...current,
      turns: current.turns.map((turn) => (turn.id === turnId ? change(turn) : turn)),
    }));
  };

  const ask = (event: SyntheticEvent): void => {
    event.preventDefault();
    const text = question.trim();
    if (text === '' || running.current !== null) return;
    const turn: ChatTurn = {
      id: crypto.randomUUID(),
      question: text,
      taskId: null,
      tools: [],
      text: '',
      state: 'running',
      message: '',
      footnote: '',
    };
    const controller = new AbortController();
    running.current = { controller, turnId: turn.id };
    setIsRunning(true);
    setQuestion('');
    setConversation((current) => ({ ...current, turns: [...current.turns, turn] }));
    streamTurn(
      api,
      {
        text,
        contextId: conversation.contextId ?? undefined,
        clusterId: clusterId === '' ? undefined : clusterId,
      },
      (next) => {
        if (next.type === 'task') setConversation((current) => ({ ...current, contextId: next.contextId }));
        update(turn.id, (old) => applyUpdate(old, next));
      },
      controller.signal,
    )
      .then(
        () => {
          update(turn.id, (old) =>
            old.state === 'running'
              ? { ...old, state: 'failed', message: 'the stream ended without a result' }
              : old,
          );
        },
        (error: unknown) => {
          update(turn.id, (old) =>
            old.state === 'running'
              ? {
                  ...old,
                  state: controller.signal.aborted ? 'canceled' : 'failed',
                  message: messageOf(error),
                }
              : old,
          );
        },
      )
      .finally(() => {
        running.current = null;
        setIsRunning(false);
      });
  };

  const cancel = (): void => {
    const current = running.current;
    if (current === null) return;
    const turn = conversation.turns.find((entry) => entry.id === current.turnId);
    if (turn?.taskId) {
      // The server ends the stream with TASK_STATE_CANCELED once the agent stopped.
      cancelTask(api, turn.taskId).catch((error: unknown) => {
        update(current.turnId, (old) => ({ ...old, message: `cancel failed: ${messageOf(error)}` }));
        current.controller.abort();
      });
    } else {
      current.controller.abort();
    }
  };

  return (
    <section aria-labelledby="chat-title" className="chat">
      <h1 id="chat-title">Agent chat</h1>
      <div className="chat-toolbar">
        <ClusterPicker api={api} value={clusterId} onChange={setClusterId} id="chat-cluster" />
        <button
          type="button"
          disabled={isRunning}
          onClick={() => {
            setConversation(emptyConversation);
          }}
        >
          New conversation
        </button>
      </div>
      <ol className="turns" aria-label="Conversation">
        {conversation.turns.length === 0 ? (
          <li className="empty">Ask about a cluster, e.g. “why is checkout crash-looping?”</li>
        ) : null}
        {conversation.turns.map((turn) => (
          <TurnView key={turn.id} turn={turn} />
        ))}
      </ol>
      <form className="chat-form" onSubmit={ask}>
        <label htmlFor="chat-question" className="visually-hidden">
          Question
        </label>
        <textarea
          id="chat-question"
          rows={2}
          value={question}
          placeholder="Ask the agent…"
          onChange={(event) => {
            setQuestion(event.target.value);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) ask(event);
          }}
        />
        {isRunning ? (
          <button type="button" className="danger" onClick={cancel}>
            Cancel
          </button>
        ) : (
          <button type="submit">Send</button>
        )}
      </form>
    </section>
  );
};

const TurnView = ({ turn }: { turn: ChatTurn }) => (
  <li className="turn" data-state={turn.state}>
    <p className="question">
      <span className="visually-hidden">You: </span>
      {turn.question}
    </p>
    {turn.tools.length > 0 ? (
      <ol className="tools" aria-label="Tool calls">
        {turn.tools.map((call) => (
          <li key={call.id} className={`tool tool-${call.outcome}`}>
            <span
              className={`badge ${call.outcome === 'ok' ? 'ok' : call.outcome === 'running' ? 'muted' : call.outcome === 'denied' ? 'denied' : 'bad'}`}
            >
              {call.outcome}
            </span>{' '}
            <code>{call.label}</code>{' '}
            <span className="small">{call.durationMs === null ? '' : duration(call.durationMs)}</span>
            {call.summary === '' ? null : <span className="small block">{call.summary}</span>}
          </li>
        ))}
      </ol>
    ) : null}
    <div className="answer" aria-live="polite" aria-busy={turn.state === 'running'}>
      {turn.text === '' && turn.state === 'running' ? <span className="muted">Working…</span> : turn.text}
    </div>
    {turn.state === 'running' ? null : (
      <p className={`turn-end ${turn.state}`} role={turn.state === 'completed' ? undefined : 'status'}>
        <span
          className={`badge ${turn.state === 'completed' ? 'ok' : turn.state === 'canceled' ? 'muted' : 'bad'}`}
        >
          {turn.state}
        </span>{' '}
        {turn.state === 'completed' ? turn.footnote : turn.message}
      </p>
    )}
  </li>
);
