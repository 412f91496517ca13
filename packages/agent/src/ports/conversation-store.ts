import { modelMessageSchema } from 'ai';
import type { ModelMessage } from 'ai';

/** What one stored message must be (the AI SDK's own schema): a backend parses what it reads back. */
export const conversationMessageSchema = modelMessageSchema;

/**
 * Per-conversation memory. Messages are plain JSON (AI SDK `ModelMessage`s) so a Redis backend can
 * store them as they are. Implementations keep at most the last `limit` messages they are given
 * and never split an assistant tool call from its tool result (trimming starts at a user message).
 */
export interface ConversationStore {
  load(conversationId: string, signal?: AbortSignal): Promise<readonly ModelMessage[]>;
  append(conversationId: string, messages: readonly ModelMessage[], signal?: AbortSignal): Promise<void>;
  clear(conversationId: string, signal?: AbortSignal): Promise<void>;
}

/** Drops the oldest messages so at most `limit` remain, starting the kept part at a user message. */
export function trimHistory(messages: readonly ModelMessage[], limit: number): ModelMessage[] {
  if (messages.length <= limit) return [...messages];
  let start = messages.length - limit;
  while (start < messages.length && messages[start]?.role !== 'user') start += 1;
  return messages.slice(start);
}

export interface MemoryConversationStoreOptions {
  /** Messages kept per conversation (default 60). */
  readonly maxMessages?: number;
  /** Conversations kept; the least recently written is dropped first (default 1000). */
  readonly maxConversations?: number;
}

/** In-process store for tests and single-replica servers; copies on the way in and out. */
export function createMemoryConversationStore(
  options: MemoryConversationStoreOptions = {},
): ConversationStore {
  const maxMessages = options.maxMessages ?? 60;
  const maxConversations = options.maxConversations ?? 1000;
  const conversations = new Map<string, ModelMessage[]>();
  const copy = (messages: readonly ModelMessage[]): ModelMessage[] =>
    JSON.parse(JSON.stringify(messages)) as ModelMessage[];
  return {
    load(conversationId) {
      return Promise.resolve(copy(conversations.get(conversationId) ?? []));
    },
    append(conversationId, messages) {
      const existing = conversations.get(conversationId) ?? [];
      conversations.delete(conversationId);
      conversations.set(conversationId, trimHistory([...existing, ...copy(messages)], maxMessages));
      while (conversations.size > maxConversations) {
        const oldest = conversations.keys().next();
        if (oldest.done === true) break;
        conversations.delete(oldest.value);
      }
      return Promise.resolve();
    },
    clear(conversationId) {
      conversations.delete(conversationId);
      return Promise.resolve();
    },
  };
}
