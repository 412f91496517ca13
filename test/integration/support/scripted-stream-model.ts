import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { MockLanguageModelV3, convertArrayToReadableStream } from 'ai/test';

/**
 * A scripted language model for browser tests: each turn is a stream, including one that writes a
 * sentence and then waits until the run is cancelled (its abort signal ends the stream).
 */
const finish = (toolCalls: boolean): LanguageModelV3StreamPart => ({
  type: 'finish',
  finishReason: { unified: toolCalls ? 'tool-calls' : 'stop', raw: undefined },
  usage: {
    inputTokens: { total: 100, noCache: 100, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 20, text: 20, reasoning: 0 },
  },
});

export type Step = (options: LanguageModelV3CallOptions) => ReadableStream<LanguageModelV3StreamPart>;

export const toolCall =
  (id: string, args: string[]): Step =>
  () =>
    convertArrayToReadableStream<LanguageModelV3StreamPart>([
      { type: 'stream-start', warnings: [] },
      { type: 'tool-call', toolCallId: id, toolName: 'execute_kubectl', input: JSON.stringify({ args }) },
      finish(true),
    ]);

export const answer =
  (text: string): Step =>
  () =>
    convertArrayToReadableStream<LanguageModelV3StreamPart>([
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: 't' },
      ...(text.match(/\S+\s*/g) ?? []).map((delta): LanguageModelV3StreamPart => ({
        type: 'text-delta',
        id: 't',
        delta,
      })),
      { type: 'text-end', id: 't' },
      finish(false),
    ]);

/** Writes a first sentence, then waits until the run is cancelled (its signal aborts the stream). */
export const hangUntilCancelled: Step = (options) =>
  new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      controller.enqueue({ type: 'stream-start', warnings: [] });
      controller.enqueue({ type: 'text-start', id: 't' });
      controller.enqueue({ type: 'text-delta', id: 't', delta: 'Looking at every namespace, one by one…\n' });
      options.abortSignal?.addEventListener('abort', () => {
        controller.error(new Error('aborted'));
      });
    },
  });

export const scriptedModel = () => {
  let steps: Step[] = [];
  const aborted: number[] = [];
  const model = new MockLanguageModelV3({
    provider: 'scripted',
    modelId: 'scripted-1',
    doStream: (options) => {
      const step = steps.shift();
      if (step === undefined) throw new Error('the scripted model ran out of turns');
      options.abortSignal?.addEventListener('abort', () => aborted.push(Date.now()), { once: true });
      return Promise.resolve({ stream: step(options) });
    },
  });
  return {
    model,
    aborted,
    script: (next: Step[]): void => {
      steps = [...next];
    },
  };
};
