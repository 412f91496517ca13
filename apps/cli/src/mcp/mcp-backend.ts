import type { ClusterInfo, McpAskAnswer, McpCommandResult, McpDiagnosis, Session } from '@kubently/protocol';

export interface ExecuteKubectlInput {
  readonly clusterId: string;
  readonly args: readonly string[];
  readonly namespace?: string | undefined;
  readonly sessionId?: string | undefined;
  readonly timeoutSeconds: number;
  readonly wait: boolean;
}

export interface AskInput {
  readonly question: string;
  readonly clusterId?: string | undefined;
  readonly namespace?: string | undefined;
  readonly conversationId?: string | undefined;
}

/**
 * What `kubently mcp` serves its tools from: a Kubently server (REST) or the local kubeconfig. A
 * method that is absent means the tool is not offered. Refusals and infrastructure failures are
 * thrown as `KubentlyError` (the tool answers `isError` with `code: message`); a command that ran
 * and failed is a result.
 */
export interface McpBackend {
  /** One line for the server's `instructions`: where the tools act. */
  readonly description: string;
  listClusters(signal: AbortSignal): Promise<readonly ClusterInfo[]>;
  executeKubectl(input: ExecuteKubectlInput, signal: AbortSignal): Promise<McpCommandResult>;
  readonly getCommandResult?: (commandId: string, signal: AbortSignal) => Promise<McpCommandResult>;
  readonly createSession?: (
    clusterId: string,
    ttlSeconds: number | undefined,
    signal: AbortSignal,
  ) => Promise<Session>;
  readonly closeSession?: (sessionId: string, signal: AbortSignal) => Promise<void>;
  readonly diagnose?: (
    clusterId: string,
    namespaces: readonly string[] | undefined,
    signal: AbortSignal,
    /** Opt-in categories (`posture`); default incidents only. */
    include?: readonly 'posture'[],
  ) => Promise<McpDiagnosis>;
  /** Releases what the backend holds (the local mode's private kubectl directory). */
  readonly close?: () => Promise<void>;
  readonly ask?: (
    input: AskInput,
    signal: AbortSignal,
    onProgress: (message: string) => void,
  ) => Promise<McpAskAnswer>;
}
