import { z } from 'zod';

export const serverNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
  message: 'server name may contain letters, digits, ".", "_" and "-" (1-63 chars), e.g. "prod"',
});

export const serverUrlSchema = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'server URL must be an http:// or https:// URL, e.g. http://127.0.0.1:8080',
  });

export const serverEntrySchema = z
  .object({ url: serverUrlSchema, apiKey: z.string().min(1).optional() })
  .strict();
export type ServerEntry = z.infer<typeof serverEntrySchema>;

/** `~/.kubently/config.json`: named servers and which one is current. */
export const cliConfigSchema = z
  .object({
    version: z.literal(1),
    currentServer: serverNameSchema.nullable(),
    servers: z.record(serverNameSchema, serverEntrySchema),
  })
  .strict();
export type CliConfig = z.infer<typeof cliConfigSchema>;

export const emptyCliConfig: CliConfig = { version: 1, currentServer: null, servers: {} };
