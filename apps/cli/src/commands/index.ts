import type { CommandSpec } from '../command-spec.js';
import { askCommand } from './ask.js';
import { auditCommand } from './audit.js';
import { clustersAddCommand } from './clusters-add.js';
import { clustersListCommand } from './clusters-list.js';
import { clustersRemoveCommand } from './clusters-remove.js';
import { clustersRotateTokenCommand } from './clusters-rotate-token.js';
import { completionCommand } from './completion.js';
import { configCurrentCommand } from './config-current.js';
import { configDeleteCommand } from './config-delete.js';
import { configListCommand } from './config-list.js';
import { configSetServerCommand } from './config-set-server.js';
import { configUseCommand } from './config-use.js';
import { diagnoseCommand } from './diagnose.js';
import { debugCommand } from './debug.js';
import { execCommand } from './exec.js';
import { executorCommand } from './executor.js';
import { findingsCommand } from './findings.js';
import { manifestsCommand } from './manifests.js';
import { keysCreateCommand } from './keys-create.js';
import { keysListCommand } from './keys-list.js';
import { keysRevokeCommand } from './keys-revoke.js';
import { keysRotateCommand } from './keys-rotate.js';
import { mcpCommand } from './mcp.js';
import { policyCheckCommand } from './policy-check.js';
import { serveCommand } from './serve.js';
import { upCommand } from './up.js';
import { versionCommand } from './version.js';

/** The command table, in the order `kubently --help` lists it. */
export const commands: readonly CommandSpec[] = [
  upCommand,
  execCommand,
  diagnoseCommand,
  debugCommand,
  askCommand,
  clustersAddCommand,
  clustersListCommand,
  clustersRemoveCommand,
  clustersRotateTokenCommand,
  manifestsCommand,
  keysCreateCommand,
  keysListCommand,
  keysRevokeCommand,
  keysRotateCommand,
  auditCommand,
  findingsCommand,
  policyCheckCommand,
  configSetServerCommand,
  configUseCommand,
  configCurrentCommand,
  configListCommand,
  configDeleteCommand,
  serveCommand,
  executorCommand,
  mcpCommand,
  versionCommand,
  completionCommand(() => commands),
];
