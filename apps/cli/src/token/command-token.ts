import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { KubentlyError } from '../kubently-error.js';

/** A token is reused until this long before it expires. */
const refreshMarginMs = 30_000;
/** Without any expiry in the output or the token, it is reused for this long. */
const unknownExpiryMs = 60_000;

const cacheSchema = z.record(z.string(), z.object({ token: z.string(), expiresAt: z.number() }));

const jsonOutputSchema = z.object({
  token: z.string().optional(),
  access_token: z.string().optional(),
  id_token: z.string().optional(),
  expiresAt: z.string().optional(),
  expirationTimestamp: z.string().optional(),
  expires_in: z.number().optional(),
  /** kubectl's ExecCredential shape. */
  status: z.object({ token: z.string().optional(), expirationTimestamp: z.string().optional() }).optional(),
});

export interface CommandTokenOptions {
  /** KUBENTLY_TOKEN_COMMAND: run by /bin/sh, like a git credential helper. */
  readonly command: string;
  readonly cacheDir: string;
  readonly now: () => Date;
  readonly signal: AbortSignal;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** JSON text parsed, or undefined when it is not JSON: the command's output is not ours to trust. */
const parseJson = (text: string): unknown => {
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    return undefined;
  }
};

const jwtPayloadSchema = z.object({ exp: z.number().optional() });

const expiryOfJwt = (token: string): number | undefined => {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  const parsed = jwtPayloadSchema.safeParse(parseJson(Buffer.from(payload, 'base64url').toString('utf8')));
  const exp = parsed.success ? parsed.data.exp : undefined;
  return exp === undefined ? undefined : exp * 1000;
};

/** The command's stdout: a bare token, or JSON (`token`/`access_token`/`id_token`, ExecCredential `status.token`). */
export const parseTokenOutput = (stdout: string, nowMs: number): { token: string; expiresAt: number } => {
  const text = stdout.trim();
  let token = text;
  let expiresAt: number | undefined;
  if (text.startsWith('{')) {
    const parsed = jsonOutputSchema.safeParse(parseJson(text));
    const value = parsed.success ? parsed.data : undefined;
    token = value?.status?.token ?? value?.token ?? value?.access_token ?? value?.id_token ?? '';
    const stamp = value?.status?.expirationTimestamp ?? value?.expirationTimestamp ?? value?.expiresAt;
    if (stamp !== undefined && !Number.isNaN(Date.parse(stamp))) expiresAt = Date.parse(stamp);
    else if (value?.expires_in !== undefined) expiresAt = nowMs + value.expires_in * 1000;
  }
  if (token === '' || /\s/.test(token)) {
    throw new KubentlyError(
      'config_invalid',
      'KUBENTLY_TOKEN_COMMAND printed no token: it must print the token alone, or JSON with "token", "access_token", "id_token" or an ExecCredential "status.token"',
    );
  }
  return { token, expiresAt: expiresAt ?? expiryOfJwt(token) ?? nowMs + unknownExpiryMs };
};

const run = (options: CommandTokenOptions): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(
      '/bin/sh',
      ['-c', options.command],
      { signal: options.signal, timeout: 60_000, env: { ...options.env }, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        reject(
          new KubentlyError(
            'config_invalid',
            `KUBENTLY_TOKEN_COMMAND failed (${error.message.split('\n')[0] ?? ''})${stderr.trim() === '' ? '' : `: ${stderr.trim().slice(0, 500)}`}; fix the command or log in again`,
            { cause: error },
          ),
        );
      },
    );
  });

/**
 * A bearer token from a command (as kubectl's exec credentials), cached per command in the config
 * directory (mode 0600) until shortly before it expires.
 */
export async function commandToken(options: CommandTokenOptions): Promise<string> {
  const file = join(options.cacheDir, 'token-cache.json');
  const key = createHash('sha256').update(options.command).digest('hex');
  const nowMs = options.now().getTime();
  let cache: z.infer<typeof cacheSchema> = {};
  try {
    const parsed = cacheSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (parsed.success) cache = parsed.data;
  } catch {
    // No cache yet, or an unreadable one: run the command.
  }
  const cached = cache[key];
  if (cached !== undefined && cached.expiresAt - refreshMarginMs > nowMs) return cached.token;
  const fresh = parseTokenOutput(await run(options), nowMs);
  cache[key] = fresh;
  await mkdir(options.cacheDir, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(cache), { mode: 0o600 });
  await rename(temporary, file);
  return fresh.token;
}
