/** Flags every command that talks to a server accepts; they win over env and the config file. */
export const connectionOptions = {
  server: { type: 'string' },
  'api-url': { type: 'string' },
  'api-key': { type: 'string' },
} as const;

export const connectionHelp = `Connection flags (override KUBENTLY_API_URL / KUBENTLY_API_KEY and the config file):
  --server NAME     use the named server from \`kubently config list\`
  --api-url URL     server URL, e.g. http://127.0.0.1:8080
  --api-key KEY     API key sent as X-API-Key`;

export interface ConnectionFlags {
  readonly server?: string | undefined;
  readonly 'api-url'?: string | undefined;
  readonly 'api-key'?: string | undefined;
}
