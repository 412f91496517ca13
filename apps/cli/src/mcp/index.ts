export { localGateway } from './local-ask.js';
export type { LocalCluster } from './local-cluster.js';
export { openLocalBackend, openLocalCluster } from './open-local-backend.js';
export type { LocalFlags, OpenLocalCluster } from './open-local-backend.js';
export { createRemoteBackend } from './remote-backend.js';
export { serveMcpStdio } from './serve-mcp-stdio.js';
export type { AskInput, ExecuteKubectlInput, McpBackend } from './mcp-backend.js';
