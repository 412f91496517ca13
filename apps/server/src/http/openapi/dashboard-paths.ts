/** The document's own helpers, passed in so these paths use the same components and error shapes. */
export interface PathHelpers {
  readonly json: (name: 'Whoami' | 'CommandCheckResponse', description: string) => unknown;
  readonly ref: (name: 'CommandFeedEvent') => unknown;
  readonly errors: (...statuses: number[]) => Record<string, unknown>;
  readonly body: (name: 'CommandRequest') => unknown;
  readonly apiKey: readonly unknown[];
}

/** The endpoints the dashboard added to the public API (any client may use them). */
export const dashboardPaths = ({ json, ref, errors, body, apiKey }: PathHelpers) => ({
  '/v1/whoami': {
    get: {
      summary: 'The caller: identity, role, cluster scope and permissions (every role)',
      security: apiKey,
      responses: { '200': json('Whoami', 'the caller'), ...errors(401) },
    },
  },
  '/v1/commands/check': {
    post: {
      summary:
        "The policy's verdict on a command without running it (the same pre-check as POST /v1/commands; nothing is queued or audited)",
      security: apiKey,
      requestBody: body('CommandRequest'),
      responses: {
        '200': json('CommandCheckResponse', 'allowed or denied, with the argv as the policy sees it'),
        ...errors(400, 401, 403, 404, 413, 415),
      },
    },
  },
  '/v1/commands/stream': {
    get: {
      summary:
        "Live command feed (SSE): every command attempt's audit record as it lands; an admin sees everyone's, anyone else their own, within the key's cluster scope",
      security: apiKey,
      parameters: [{ name: 'clusterId', in: 'query', required: false, schema: { type: 'string' } }],
      responses: {
        '200': {
          description:
            'text/event-stream: `event: command` (data: a CommandFeedEvent; `id:` the record id), `event: gap`, keepalive comments',
          content: { 'text/event-stream': { schema: ref('CommandFeedEvent') } },
        },
        ...errors(400, 401),
      },
    },
  },
});
