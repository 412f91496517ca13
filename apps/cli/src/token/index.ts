export { commandToken, parseTokenOutput } from './command-token.js';
export type { CommandTokenOptions } from './command-token.js';
