import type { CliOutput } from '../cli-io.js';
import { escapeTerminal, escapeTerminalText } from '../format/index.js';
import { describeToolCall } from './describe-tool-call.js';
import { formatToolFinish, formatTurnSummary } from './format-turn.js';
import { isTerminal } from '../format/index.js';
import type { Palette } from '../format/index.js';
import type { TurnEvent } from './turn-event.js';
import type { TurnResult } from './turn-result.js';

export interface TurnPrinterOptions {
  /** Where the answer goes (stdout). */
  readonly answer: CliOutput;
  /** Where tool calls, usage and status lines go: stdout in `debug`, stderr in `ask`. */
  readonly progress: CliOutput;
  readonly palette: Palette;
}

export interface TurnPrinter {
  readonly onEvent: (event: TurnEvent) => void;
  /** Prints what the stream did not show live (an answer that was never streamed, failure, usage). */
  finish(result: TurnResult, elapsedMs: number): void;
}

/**
 * Everything here comes from the server (answers quote the cluster; tool calls name what the model
 * chose): data is escaped before the palette adds its own colours (`escapeTerminal`).
 *
 * Renders a turn as it streams: answer tokens as they arrive, a `▶ command` line when a tool call
 * starts that is completed with `✓ 0.4s exit 0, 12 lines` when it finishes. Only plain appends
 * (no cursor movement), so the output reads the same in a log file.
 */
export function createTurnPrinter(options: TurnPrinterOptions): TurnPrinter {
  const { answer, progress, palette } = options;
  const midLine = new Map<CliOutput, boolean>();
  const write = (output: CliOutput, text: string): void => {
    if (text === '') return;
    output.write(text);
    midLine.set(output, !text.endsWith('\n'));
  };
  const endLine = (output: CliOutput): void => {
    if (midLine.get(output) === true) write(output, '\n');
  };
  let hasStreamedText = false;
  /** The tool call whose start line is still open (no newline yet). */
  let openToolId: string | undefined;
  const commands = new Map<string, string>();

  const beginProgressLine = (): void => {
    endLine(progress);
    // A half-written answer on the same screen would otherwise run into the progress line.
    if (answer !== progress && isTerminal(answer) && isTerminal(progress)) endLine(answer);
    openToolId = undefined;
  };
  const writeProgressLine = (line: string): void => {
    beginProgressLine();
    write(progress, `${line}\n`);
  };
  const writeAnswer = (text: string): void => {
    if (openToolId !== undefined || answer !== progress) endLine(progress);
    openToolId = undefined;
    write(answer, text);
  };

  return {
    onEvent(event) {
      if (event.type !== 'stream') return;
      const stream = event.event;
      switch (stream.type) {
        case 'text-delta':
          hasStreamedText = true;
          writeAnswer(escapeTerminalText(stream.text));
          return;
        case 'tool-call-started': {
          const command = escapeTerminal(describeToolCall(stream.tool, stream.args));
          commands.set(stream.id, command);
          beginProgressLine();
          write(progress, `${palette.cyan('▶')} ${palette.bold(command)}`);
          openToolId = stream.id;
          return;
        }
        case 'tool-call-finished': {
          const finish = formatToolFinish({ ...stream, summary: escapeTerminal(stream.summary) }, palette);
          if (openToolId === stream.id) {
            write(progress, ` ${finish}\n`);
            openToolId = undefined;
          } else {
            const command = commands.get(stream.id) ?? escapeTerminal(describeToolCall(stream.tool, null));
            writeProgressLine(`${finish} ${palette.dim(`(${command})`)}`);
          }
          return;
        }
        case 'usage':
          return;
      }
    },
    finish(result, elapsedMs) {
      if (!hasStreamedText && result.answer !== '') writeAnswer(escapeTerminalText(result.answer));
      endLine(answer);
      switch (result.state) {
        case 'failed':
        case 'rejected': {
          const reason = escapeTerminalText(
            result.error?.message ?? (result.statusMessage === '' ? 'no reason given' : result.statusMessage),
          );
          writeProgressLine(
            palette.red(`✗ the agent ${result.state === 'failed' ? 'failed' : 'refused'}: ${reason}`),
          );
          break;
        }
        case 'canceled':
          writeProgressLine(palette.yellow('✗ canceled'));
          break;
        case 'input-required':
        case 'auth-required':
          writeProgressLine(palette.yellow(`… the agent is waiting (${result.state})`));
          break;
        case 'working':
        case 'submitted':
        case 'unspecified':
          writeProgressLine(
            palette.yellow(
              `… the stream ended before the task did${result.taskId === null ? '' : ` (task ${escapeTerminal(result.taskId)} may still be running on the server)`}`,
            ),
          );
          break;
        case 'completed':
          break;
      }
      const summary = formatTurnSummary({
        usage: result.usage,
        costUsd: result.costUsd,
        toolCalls: result.toolCalls.length,
        elapsedMs,
      });
      if (summary !== null) writeProgressLine(palette.dim(summary));
    },
  };
}
