import { createMemoryConversationStore } from '@kubently/agent';

import { conversationStoreContract } from './support/conversation-store-contract.js';

conversationStoreContract('memory', () => createMemoryConversationStore({ maxMessages: 4 }));
