import { createInterface } from 'node:readline';

import type { ClusterInfo } from '@kubently/protocol';

import type { CliIo } from '../cli-io.js';
import { escapeTerminalText } from '../format/index.js';
import { KubentlyError } from '../kubently-error.js';
import type { ChatHistory } from './chat-history.js';
import { MuteOutput } from './mute-output.js';
import type { Palette } from '../format/index.js';
import type { TurnRunner } from './local-turn-runner.js';
import { chatHelp, parseChatInput } from './slash-command.js';
import { createTurnPrinter } from './turn-printer.js';

export interface ChatSessionOptions {
  readonly io: CliIo;
  /** Runs one question: over A2A (`runTurn` with the client) or in this process (local mode). */
  readonly runTurn: TurnRunner;
  /** Where the agent is, for messages: the server URL or the kubeconfig context. */
  readonly where: string;
  /** The registered clusters; `null` when this key may not list them. */
  readonly listClusters: () => Promise<readonly ClusterInfo[] | null>;
  readonly clusterId: string | undefined;
  readonly namespace: string | undefined;
  readonly history: ChatHistory;
  readonly historyLimit: number;
  readonly palette: Palette;
  readonly newId: () => string;
}

function isTty(stream: unknown): boolean {
  return (stream as { isTTY?: unknown }).isTTY === true;
}

/**
 * The `kubently debug` loop: one A2A context per conversation (so the server remembers it), one
 * task per question. On a terminal readline runs in raw mode, so Ctrl-C arrives as a key: during a
 * turn it cancels the turn, at an empty prompt it leaves. Returns the exit code.
 */
export async function runChatSession(options: ChatSessionOptions): Promise<number> {
  const { io, palette } = options;
  const out = io.stdout;
  const isTerminal = isTty(io.stdin) && isTty(out);
  const echo = new MuteOutput(out);
  const rl = createInterface({
    input: io.stdin,
    output: echo,
    terminal: isTerminal,
    history: await options.history.load(),
    historySize: options.historyLimit,
    removeHistoryDuplicates: true,
  });
  rl.on('history', (entries: string[]) => {
    options.history.save(entries);
  });

  let clusterId = options.clusterId;
  let contextId: string | undefined;
  let turn: AbortController | undefined;
  const lines: string[] = [];
  // An object, not a `let`: it changes in callbacks the type checker cannot follow.
  const reader = { isClosed: false };
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
  };

  rl.on('line', (line) => {
    // On a terminal, lines entered while the agent answers were typed blind: drop them.
    if (turn !== undefined && isTerminal) return;
    lines.push(line);
    notify();
  });
  rl.on('close', () => {
    reader.isClosed = true;
    // Ctrl-D on a terminal leaves at once; piped questions are all answered first.
    if (isTerminal) {
      lines.length = 0;
      turn?.abort(new Error('input closed'));
    }
    notify();
  });
  rl.on('SIGINT', () => {
    if (turn !== undefined) {
      turn.abort(new Error('Ctrl-C'));
      return;
    }
    if (rl.line !== '') {
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      return;
    }
    echo.write('\n');
    rl.close();
  });
  const onAbort = (): void => {
    turn?.abort(io.signal.reason);
    notify();
  };
  io.signal.addEventListener('abort', onAbort, { once: true });

  const nextLine = async (): Promise<string | undefined> => {
    while (lines.length === 0) {
      if (reader.isClosed || io.signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    return lines.shift();
  };
  const prompt = (): void => {
    rl.setPrompt(`${palette.cyan(clusterId ?? 'kubently')}${palette.dim('>')} `);
    rl.prompt();
  };
  const say = (line: string): void => {
    out.write(`${line}\n`);
  };

  const showClusters = async (): Promise<void> => {
    const clusters = await options.listClusters();
    if (clusters === null) {
      say('this API key may not list clusters; name one with /cluster NAME');
    } else if (clusters.length === 0) {
      say(`no clusters registered on ${options.where}: add one with \`kubently clusters add NAME\``);
    } else {
      for (const cluster of clusters) {
        const marker = cluster.id === clusterId ? palette.green('*') : ' ';
        const state = cluster.connected ? palette.green('connected') : palette.yellow('no executor');
        say(`${marker} ${cluster.id}  ${state}`);
      }
    }
  };
  const switchCluster = async (name: string): Promise<void> => {
    const clusters = await options.listClusters();
    const found = clusters?.find((cluster) => cluster.id === name);
    if (clusters !== null && found === undefined) {
      const known = clusters.map((cluster) => cluster.id).join(', ');
      say(palette.red(`unknown cluster "${name}"${known === '' ? '' : ` (known: ${known})`}`));
      return;
    }
    clusterId = name;
    const warning =
      found?.connected === false ? palette.yellow(' (no executor connected: commands will fail)') : '';
    say(`now asking about cluster ${palette.bold(name)}${warning}; /clear starts a new conversation`);
  };

  const ask = async (text: string): Promise<void> => {
    const controller = new AbortController();
    turn = controller;
    echo.isMuted = isTerminal;
    const printer = createTurnPrinter({ answer: out, progress: out, palette });
    const startedAt = io.now().getTime();
    try {
      const result = await options.runTurn({
        text,
        messageId: options.newId(),
        contextId,
        metadata: {
          ...(clusterId === undefined ? {} : { clusterId }),
          ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
        },
        signal: controller.signal,
        onEvent: printer.onEvent,
      });
      printer.finish(result, io.now().getTime() - startedAt);
      if (result.contextId !== null && result.contextId !== '') contextId = result.contextId;
    } catch (error) {
      if (!(error instanceof KubentlyError)) throw error;
      say(palette.red(`kubently: ${escapeTerminalText(error.message)}`));
    } finally {
      turn = undefined;
      echo.isMuted = false;
    }
  };

  try {
    prompt();
    for (let line = await nextLine(); line !== undefined; line = await nextLine()) {
      if (!isTerminal) out.write(`${line}\n`);
      const input = parseChatInput(line);
      switch (input.type) {
        case 'empty':
          break;
        case 'question':
          await ask(input.text);
          break;
        case 'clear':
          contextId = undefined;
          say('new conversation: the agent starts fresh');
          break;
        case 'cluster':
          if (input.clusterId === undefined) await showClusters();
          else await switchCluster(input.clusterId);
          break;
        case 'help':
          say(chatHelp);
          break;
        case 'unknown':
          say(`unknown command ${input.command}; /help lists the commands`);
          break;
        case 'exit':
          lines.length = 0;
          rl.close();
          break;
      }
      if ((reader.isClosed && lines.length === 0) || io.signal.aborted) break;
      prompt();
    }
  } finally {
    io.signal.removeEventListener('abort', onAbort);
    rl.close();
    await options.history.flush();
  }
  if (!isTerminal && !io.signal.aborted) out.write('\n');
  return io.signal.aborted ? 130 : 0;
}
