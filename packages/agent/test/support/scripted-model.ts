import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { MockLanguageModelV3, convertArrayToReadableStream } from 'ai/test';

/** One scripted model reply: optional text, then optional tool calls. */
export interface ScriptedTurn {
  readonly text?: string;
  readonly toolCalls?: readonly { readonly id: string; readonly name: string; readonly input: unknown }[];
  readonly usage?: { readonly input: number; readonly output: number };
  /** Make the provider fail this call with this error instead. */
  readonly error?: Error;
}

function parts(turn: ScriptedTurn): LanguageModelV3StreamPart[] {
  const out: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }];
  if (turn.error !== undefined) {
    out.push({ type: 'error', error: turn.error });
    return out;
  }
  if (turn.text !== undefined) {
    out.push({ type: 'text-start', id: 't' });
    for (const word of turn.text.match(/\S+\s*/g) ?? [])
      out.push({ type: 'text-delta', id: 't', delta: word });
    out.push({ type: 'text-end', id: 't' });
  }
  for (const call of turn.toolCalls ?? []) {
    out.push({
      type: 'tool-call',
      toolCallId: call.id,
      toolName: call.name,
      input: JSON.stringify(call.input),
    });
  }
  const input = turn.usage?.input ?? 100;
  const output = turn.usage?.output ?? 20;
  out.push({
    type: 'finish',
    finishReason: { unified: (turn.toolCalls ?? []).length > 0 ? 'tool-calls' : 'stop', raw: undefined },
    usage: {
      inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: output, text: output, reasoning: 0 },
    },
  });
  return out;
}

/**
 * A MockLanguageModelV3 that answers each call with the next scripted turn and records every call's
 * options (prompt, tools, toolChoice). Runs out → the test fails loudly.
 */
export function scriptedModel(turns: readonly ScriptedTurn[]) {
  const calls: LanguageModelV3CallOptions[] = [];
  let index = 0;
  const model = new MockLanguageModelV3({
    provider: 'scripted',
    modelId: 'scripted-1',
    doStream: (options) => {
      calls.push(options);
      const turn = turns[index];
      index += 1;
      if (turn === undefined)
        throw new Error(`the scripted model was called ${index} times but has ${turns.length} turns`);
      return Promise.resolve({ stream: convertArrayToReadableStream(parts(turn)) });
    },
  });
  return { model, calls };
}

/** The text of every tool result the model was sent in a call's prompt. */
export function toolResultsIn(options: LanguageModelV3CallOptions): { toolName: string; output: unknown }[] {
  const results: { toolName: string; output: unknown }[] = [];
  for (const message of options.prompt) {
    if (message.role !== 'tool') continue;
    for (const part of message.content) {
      if (part.type !== 'tool-result') continue;
      const output = part.output;
      results.push({
        toolName: part.toolName,
        output:
          output.type === 'json' || output.type === 'error-json'
            ? output.value
            : 'value' in output
              ? output.value
              : output,
      });
    }
  }
  return results;
}
