import type { CallToolResult } from '@modelcontextprotocol/server';

import type { McpContent } from '@kubently/protocol';

import { isKubentlyError } from '../../errors/kubently-error.js';
import type { Logger } from '../../support/logger.js';

/** A successful tool answer: the structured value plus a readable text for clients that show text. */
export const toolSuccess = (structured: Record<string, unknown>, text: string): CallToolResult => ({
  content: [{ type: 'text', text }],
  structuredContent: structured,
});

/** A tool answer built by packages/protocol (`commandContent`, ...), cluster text already quoted. */
export const toolAnswer = (content: McpContent): CallToolResult =>
  toolSuccess(content.structuredContent, content.text);

/** A failed tool answer with its text as given (e.g. `quotedFailureText`). */
export const toolFailureText = (text: string): CallToolResult => ({
  content: [{ type: 'text', text }],
  isError: true,
});

/**
 * A failed tool answer the model reads (never a protocol error): `code: message`, where the code is
 * the REST error code (`policy_denied`, `cluster_not_found`, `command_timeout`, ...).
 */
export const toolFailure = (code: string, message: string): CallToolResult =>
  toolFailureText(`${code}: ${message}`);

/** Maps a thrown error to a failed tool answer; an unknown error is logged and reported as internal. */
export const toolFailureFrom = (error: unknown, logger: Logger, correlationId: string): CallToolResult => {
  if (isKubentlyError(error)) return toolFailure(error.code, error.message);
  logger.error({ err: error, correlationId }, 'mcp tool failed');
  return toolFailure(
    'internal',
    `internal error; the server log has the details (correlation id ${correlationId})`,
  );
};
