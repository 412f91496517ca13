import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';

import { z } from 'zod';

/**
 * How the read path reaches the API server: the same server, CA and credentials kubectl uses,
 * taken from `kubectl config view --minify --raw -o json` (kubectl merges KUBECONFIG, applies the
 * pinned context and resolves file paths, so the read path and kubectl can never disagree on which
 * cluster or identity they use).
 */
export interface ApiConnection {
  readonly server: URL;
  readonly ca: Buffer | undefined;
  readonly clientCertificate: Buffer | undefined;
  readonly clientKey: Buffer | undefined;
  readonly insecureSkipTlsVerify: boolean;
  /** A static token, or null. */
  readonly token: string | null;
  /** A token file re-read for every request (a rotated ServiceAccount token is used at once). */
  readonly tokenFile: string | null;
}

export type ApiConnectionResult =
  | { readonly type: 'connection'; readonly connection: ApiConnection }
  /** The read path is not offered; the executor reads through kubectl. `reason` is for the log. */
  | { readonly type: 'unsupported'; readonly reason: string };

const kubeconfigSchema = z.object({
  clusters: z
    .array(
      z.object({
        cluster: z.object({
          server: z.string(),
          'certificate-authority': z.string().optional(),
          'certificate-authority-data': z.string().optional(),
          'insecure-skip-tls-verify': z.boolean().optional(),
          'proxy-url': z.string().optional(),
          'tls-server-name': z.string().optional(),
        }),
      }),
    )
    .nullish(),
  users: z
    .array(
      z.object({
        user: z
          .object({
            token: z.string().optional(),
            tokenFile: z.string().optional(),
            'client-certificate': z.string().optional(),
            'client-certificate-data': z.string().optional(),
            'client-key': z.string().optional(),
            'client-key-data': z.string().optional(),
            username: z.string().optional(),
            exec: z.unknown().optional(),
            'auth-provider': z.unknown().optional(),
          })
          .nullish(),
      }),
    )
    .nullish(),
});

const fileOrData = async (
  path: string | undefined,
  data: string | undefined,
  base: string,
): Promise<Buffer | undefined> => {
  if (data !== undefined) return Buffer.from(data, 'base64');
  if (path === undefined) return undefined;
  return readFile(isAbsolute(path) ? path : resolve(base, path));
};

/**
 * Reads the connection from the minified kubeconfig kubectl printed. Credential plugins (`exec`,
 * `auth-provider`), basic auth, proxies and `tls-server-name` are left to kubectl: the read path is
 * then not offered and structured reads run `kubectl get -o json` (decision 0011).
 */
export async function apiConnectionFromKubeconfig(
  kubeconfigJson: string,
  baseDirectory: string,
): Promise<ApiConnectionResult> {
  let json: unknown;
  try {
    json = JSON.parse(kubeconfigJson);
  } catch {
    return { type: 'unsupported', reason: 'kubectl config view did not print JSON' };
  }
  const parsed = kubeconfigSchema.safeParse(json);
  if (!parsed.success) return { type: 'unsupported', reason: 'the kubeconfig has an unexpected shape' };
  const cluster = parsed.data.clusters?.[0]?.cluster;
  const user = parsed.data.users?.[0]?.user ?? {};
  if (cluster === undefined) return { type: 'unsupported', reason: 'the kubeconfig names no cluster' };
  if (user.exec !== undefined || user['auth-provider'] !== undefined)
    return { type: 'unsupported', reason: 'the kubeconfig user runs a credential plugin' };
  if (user.username !== undefined) return { type: 'unsupported', reason: 'basic auth is left to kubectl' };
  if (cluster['proxy-url'] !== undefined || cluster['tls-server-name'] !== undefined)
    return { type: 'unsupported', reason: 'proxy-url and tls-server-name are left to kubectl' };
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch {
    return { type: 'unsupported', reason: 'the kubeconfig server is not a URL' };
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:')
    return { type: 'unsupported', reason: `server scheme ${server.protocol} is left to kubectl` };
  try {
    return {
      type: 'connection',
      connection: {
        server,
        ca: await fileOrData(
          cluster['certificate-authority'],
          cluster['certificate-authority-data'],
          baseDirectory,
        ),
        clientCertificate: await fileOrData(
          user['client-certificate'],
          user['client-certificate-data'],
          baseDirectory,
        ),
        clientKey: await fileOrData(user['client-key'], user['client-key-data'], baseDirectory),
        insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
        token: user.token ?? null,
        tokenFile:
          user.tokenFile === undefined
            ? null
            : isAbsolute(user.tokenFile)
              ? user.tokenFile
              : resolve(baseDirectory, user.tokenFile),
      },
    };
  } catch (cause) {
    return { type: 'unsupported', reason: `a certificate file cannot be read (${String(cause)})` };
  }
}
