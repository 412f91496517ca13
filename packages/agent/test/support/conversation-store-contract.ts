import type { ConversationStore } from '@kubently/agent';
import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';

/**
 * The behaviour every ConversationStore implementation must have. Run it against each backend:
 * `conversationStoreContract('redis', () => createRedisConversationStore({ ..., maxMessages: 4 }))`.
 * The factory must return an empty store that keeps at most 4 messages per conversation.
 */
export function conversationStoreContract(
  name: string,
  create: () => ConversationStore | Promise<ConversationStore>,
): void {
  const toolTurn: ModelMessage[] = [
    { role: 'user', content: 'list clusters' },
    {
      role: 'assistant',
      content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'list_clusters', input: {} }],
    },
    {
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'c1',
          toolName: 'list_clusters',
          output: { type: 'json', value: { ok: true } },
        },
      ],
    },
    { role: 'assistant', content: 'one cluster: dev' },
  ];

  describe(`ConversationStore contract: ${name}`, () => {
    it('starts empty and returns what was appended, in order, as plain JSON', async () => {
      const store = await create();
      expect(await store.load('a')).toEqual([]);
      await store.append('a', toolTurn);
      expect(await store.load('a')).toEqual(toolTurn);
    });

    it('keeps conversations apart and clears one', async () => {
      const store = await create();
      await store.append('a', [{ role: 'user', content: 'for a' }]);
      await store.append('b', [{ role: 'user', content: 'for b' }]);
      expect(await store.load('b')).toEqual([{ role: 'user', content: 'for b' }]);
      await store.clear('a');
      expect(await store.load('a')).toEqual([]);
      expect(await store.load('b')).toHaveLength(1);
    });

    it('trims to the limit starting at a user message, never orphaning a tool result', async () => {
      const store = await create();
      await store.append('a', toolTurn);
      await store.append('a', [
        { role: 'user', content: 'and pods?' },
        { role: 'assistant', content: 'none' },
      ]);
      expect(await store.load('a')).toEqual([
        { role: 'user', content: 'and pods?' },
        { role: 'assistant', content: 'none' },
      ]);
    });

    it('returns copies: mutating a loaded list does not change the store', async () => {
      const store = await create();
      await store.append('a', [{ role: 'user', content: 'original' }]);
      const loaded = (await store.load('a')) as ModelMessage[];
      loaded.push({ role: 'assistant', content: 'injected' });
      expect(await store.load('a')).toEqual([{ role: 'user', content: 'original' }]);
    });
  });
}
