import type { CliIo } from '../cli-io.js';
import { mcpConfigSnippet } from '../self-command.js';
import type { SelfCommand } from '../self-command.js';
import type { AdminKeySource } from './resolve-admin-key.js';

export type ExecutorState =
  | {
      readonly type: 'connected';
      readonly clusterId: string;
      readonly context: string;
      /** The executor uses a private copy of this context, not whatever is current later. */
      readonly pinned: boolean;
      readonly mode: string;
    }
  | {
      readonly type: 'not-connected-yet';
      readonly clusterId: string;
      readonly context: string;
      readonly pinned: boolean;
    }
  | { readonly type: 'none'; readonly problem: string; readonly fix: string };

export interface UpBanner {
  readonly url: string;
  readonly key: string;
  readonly keySource: AdminKeySource;
  readonly serverName: string;
  readonly configFile: string;
  /** The current server before `up` replaced it, when it was another one. */
  readonly previousServer: string | null;
  readonly executor: ExecutorState;
  readonly envOverride: boolean;
  /** How to start the CLI again here (shell) and from an MCP client (launch). */
  readonly self: SelfCommand;
}

const keySourceText: Record<AdminKeySource, string> = {
  environment: 'the first admin key of KUBENTLY_API_KEYS',
  config: 'reused from the Kubently config file',
  generated: 'generated for you',
};

/** `up` runs the executor as the user: say so, and what a shared deployment does instead. */
const identityNote = [
  "  Identity: the executor runs kubectl with YOUR kubeconfig user's credentials: Kubently can read",
  '            what you can. A shared deployment runs the executor in the cluster with its own',
  '            ServiceAccount and read-only RBAC instead.',
];

const unpinnedNote =
  '            note: kubectl could not export this context, so the executor follows your CURRENT context';

/** What `kubently up` prints once everything runs: URL, key, and commands to copy. */
export function printUpBanner(io: CliIo, banner: UpBanner): void {
  const { url, key, executor } = banner;
  const self = banner.self.shell;
  const cluster = executor.type === 'none' ? '<cluster>' : executor.clusterId;
  const lines = [
    '',
    `Kubently is running at ${url} (memory backend, loopback only). Stop it with Ctrl-C.`,
    '',
    `  URL:      ${url}`,
    `  API key:  ${key}  (admin; ${keySourceText[banner.keySource]})`,
  ];
  switch (executor.type) {
    case 'connected':
      lines.push(
        `  Cluster:  ${executor.clusterId}  (kubeconfig context "${executor.context}", executor connected, ${executor.mode})`,
        ...identityNote,
      );
      if (!executor.pinned) lines.push(unpinnedNote);
      break;
    case 'not-connected-yet':
      lines.push(
        `  Cluster:  ${executor.clusterId}  (kubeconfig context "${executor.context}"): the executor has NOT connected yet;`,
        `            it keeps retrying, watch the log lines above and \`${self} clusters list\``,
        ...identityNote,
      );
      if (!executor.pinned) lines.push(unpinnedNote);
      break;
    case 'none':
      lines.push(
        '  Cluster:  none. No executor is connected, so commands cannot run yet:',
        `            ${executor.problem}`,
        `            Fix: ${executor.fix}`,
        '            Or run an executor elsewhere:',
        `              ${self} clusters add <cluster>   # prints the token and the executor command`,
      );
      break;
  }
  lines.push(
    '',
    `Saved as server "${banner.serverName}" (current) in ${banner.configFile}, so in another terminal:`,
    ...(banner.previousServer === null
      ? []
      : [
          `  (the current server was "${banner.previousServer}": \`${self} config use ${banner.previousServer}\` switches back)`,
        ]),
    `  ${self} exec ${cluster} -- get pods -A`,
    `  ${self} clusters list`,
    `  ${self} audit --since 10m`,
    '',
    'Or over HTTP:',
    `  curl -s -H 'X-API-Key: ${key}' -H 'content-type: application/json' \\`,
    `    -d '{"clusterId":"${cluster}","args":["get","pods","-A"]}' ${url}/v1/commands`,
    '',
    'Claude Desktop / Cursor (MCP over stdio, through this server):',
    `  ${mcpConfigSnippet(banner.self, ['mcp'])}`,
    '',
  );
  if (banner.envOverride) {
    lines.push(
      'Note: KUBENTLY_API_URL / KUBENTLY_API_KEY are set in your environment and override the saved server;',
      '      unset them (or pass --server local) to use this one.',
      '',
    );
  }
  io.stdout.write(`${lines.join('\n')}\n`);
}
