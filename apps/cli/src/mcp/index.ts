export { openLocalBackend } from './open-local-backend.js';
export type { LocalFlags } from './open-local-backend.js';
export { createRemoteBackend } from './remote-backend.js';
export { serveMcpStdio } from './serve-mcp-stdio.js';
export type { AskInput, ExecuteKubectlInput, McpBackend } from './mcp-backend.js';
