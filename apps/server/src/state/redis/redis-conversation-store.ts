import type { ConversationStore } from '@kubently/agent';
import { trimHistory } from '@kubently/agent';

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

  async load(conversationId: string): Promise<ModelMessages> {
    const items = await this.#options.client.lrange(this.#options.keys.conversation(conversationId), 0, -1);
    return items.map((item) => JSON.parse(item) as ModelMessages[number]);
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
    await client.ltrim(key, all.length - kept, -1);
  }

  async clear(conversationId: string): Promise<void> {
    await this.#options.client.del(this.#options.keys.conversation(conversationId));
  }
}
