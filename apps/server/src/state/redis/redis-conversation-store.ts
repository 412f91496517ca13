import type { ConversationStore } from '@kubently/agent';
import { conversationMessageSchema, trimHistory } from '@kubently/agent';

import type { BadDataReporter } from './bad-data-reporter.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-script.js';

type ModelMessages = Parameters<ConversationStore['append']>[1];

export interface RedisConversationStoreOptions {
  readonly client: RedisClient;
  readonly keys: RedisKeys;
  /** Messages kept per conversation. */
  readonly maxMessages: number;
  /** A conversation is forgotten this long after its last message. */
  readonly ttlMs: number;
  readonly reporter: BadDataReporter;
}

/**
 * One Redis list of JSON messages per conversation, so any replica continues a conversation.
 * Turns of one conversation are sequential (one question at a time), so append reads the list
 * only when it is over the limit and trims it where `trimHistory` would (at a user message).
 */
export class RedisConversationStore implements ConversationStore {
  readonly #options: RedisConversationStoreOptions;

  constructor(options: RedisConversationStoreOptions) {
    this.#options = options;
  }

  /**
   * A message that fails the AI SDK's schema is reported, and the history before it is dropped
   * with it: what is kept starts at the next user message, so a tool call is never separated from
   * its result (a model API rejects such a history).
   */
  async load(conversationId: string): Promise<ModelMessages> {
    const { client, keys, reporter } = this.#options;
    const site = { entity: 'conversation', key: keys.conversation(conversationId) };
    const items = (await reporter.absentOnWrongType(client.lrange(site.key, 0, -1), site)) ?? [];
    const messages = items.map((item, index) =>
      reporter.parseJson(conversationMessageSchema, item, { ...site, field: String(index) }),
    );
    const lastBad = messages.lastIndexOf(null);
    const kept = messages.slice(lastBad + 1).filter((message) => message !== null);
    if (lastBad === -1) return kept;
    const start = kept.findIndex((message) => message.role === 'user');
    return start === -1 ? [] : kept.slice(start);
  }

  async append(conversationId: string, messages: ModelMessages): Promise<void> {
    if (messages.length === 0) return;
    const { client, keys, maxMessages, ttlMs } = this.#options;
    const key = keys.conversation(conversationId);
    const length = await client.rpush(key, ...messages.map((message) => JSON.stringify(message)));
    await client.pexpire(key, ttlMs);
    if (length <= maxMessages) return;
    const all = await this.load(conversationId);
    const kept = trimHistory(all, maxMessages).length;
    await client.ltrim(key, length - kept, -1);
  }

  async clear(conversationId: string): Promise<void> {
    await this.#options.client.del(this.#options.keys.conversation(conversationId));
  }
}
