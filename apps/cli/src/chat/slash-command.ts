/** What a line typed at the `kubently debug` prompt asks for. */
export type ChatInput =
  | { readonly type: 'question'; readonly text: string }
  | { readonly type: 'empty' }
  | { readonly type: 'clear' }
  | { readonly type: 'cluster'; readonly clusterId: string | undefined }
  | { readonly type: 'help' }
  | { readonly type: 'exit' }
  | { readonly type: 'unknown'; readonly command: string };

export const chatHelp = `Commands:
  /cluster NAME   ask about another cluster (without NAME: list the clusters)
  /clear          start a new conversation (the agent forgets this one)
  /help           this help
  /exit           leave (also Ctrl-D, or Ctrl-C at an empty prompt)
Keys: Ctrl-C during an answer cancels it; Up/Down browse earlier questions.`;

export function parseChatInput(line: string): ChatInput {
  const text = line.trim();
  if (text === '') return { type: 'empty' };
  if (!text.startsWith('/')) return { type: 'question', text };
  const [command = '', ...rest] = text.split(/\s+/);
  switch (command) {
    case '/clear':
    case '/new':
      return { type: 'clear' };
    case '/cluster':
    case '/clusters':
      return { type: 'cluster', clusterId: rest[0] };
    case '/help':
    case '/?':
      return { type: 'help' };
    case '/exit':
    case '/quit':
    case '/q':
      return { type: 'exit' };
    default:
      return { type: 'unknown', command };
  }
}
