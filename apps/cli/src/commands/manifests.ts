import type { PolicyMode } from '@kubently/protocol';
import { clusterIdSchema, policyModeSchema } from '@kubently/protocol';
import { stringify } from 'yaml';

import { openApiClient } from '../api/index.js';
import type { ApiClient } from '../api/index.js';
import {
  connectionHelp,
  connectionOptions,
  parseClusterId,
  parseCommandArgs,
  requirePositionals,
} from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes } from '../exit-codes.js';
import { KubentlyError } from '../kubently-error.js';
import {
  defaultExecutorImageRepository,
  executorCompose,
  executorHelmValues,
  executorManifests,
} from '../manifests/index.js';
import type { ExecutorManifestOptions } from '../manifests/index.js';

const usage =
  'kubently manifests <cluster> [--format kubernetes|helm-values|compose] [--mode MODE] [--token TOKEN | --rotate-token]';
const formats = ['kubernetes', 'helm-values', 'compose'] as const;
type ManifestFormat = (typeof formats)[number];

const options = {
  ...connectionOptions,
  format: { type: 'string', short: 'f' },
  mode: { type: 'string' },
  'acknowledge-full-access': { type: 'boolean' },
  namespace: { type: 'string', short: 'n' },
  'executor-api-url': { type: 'string' },
  token: { type: 'string' },
  'rotate-token': { type: 'boolean' },
  'rbac-secrets': { type: 'boolean' },
  'extra-api-group': { type: 'string', multiple: true },
  image: { type: 'string' },
} as const;

export const manifestsCommand: CommandSpec = {
  path: ['manifests'],
  summary: 'Print everything a cluster needs to run its executor (Kubernetes, Helm values, compose)',
  help: `Usage: ${usage}

Prints what the target cluster needs to run the executor of <cluster>, with its token: a
Namespace, a ServiceAccount, the RBAC of the mode, the token Secret, the policy ConfigMap and the
Deployment (the same objects the Helm chart deploy/helm/kubently renders for an executor-only
release). Apply them with kubectl pointing at the target cluster:
  kubently manifests prod | kubectl apply -f -

The token: without --token, the cluster is registered now (admin key) and its new token is
embedded; --rotate-token issues a new token for a registered cluster (the old one keeps working
for the server's overlap window); --token embeds a token you already have (no server call).

Flags:
  -f, --format FORMAT         kubernetes (default, YAML documents), helm-values (for
                              helm install -f), compose (the executor outside the cluster, with a
                              mounted kubeconfig)
      --mode MODE             readOnly (default), extendedReadOnly or fullAccess
      --acknowledge-full-access  required with --mode fullAccess: callers may change the cluster
  -n, --namespace NS          namespace of the executor (default kubently)
      --executor-api-url URL  the server's URL as reached from the target cluster (default: the
                              server this CLI talks to)
      --token TOKEN           the cluster's executor token (no server call)
      --rotate-token          issue a new token for a registered cluster
      --rbac-secrets          let the executor read Secrets (values are still redacted)
      --extra-api-group G     also read custom resources of API group G (repeatable)
      --image REPO            executor image repository (default ${defaultExecutorImageRepository})
${connectionHelp}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, options, usage);
    const clusterId = parseClusterId((requirePositionals(positionals, ['cluster'], usage) as [string])[0]);
    const format = parseFormat(values.format);
    const mode = parseMode(values.mode, values['acknowledge-full-access'] === true);
    const namespace = parseNamespace(values.namespace ?? 'kubently');
    if (values.token !== undefined && values['rotate-token'] === true)
      throw new KubentlyError('usage', `--token and --rotate-token exclude each other\n  usage: ${usage}`);
    const { token, apiUrl } = await resolveToken(clusterId, values, io);
    const manifestOptions: ExecutorManifestOptions = {
      clusterId,
      token,
      apiUrl: parseExecutorApiUrl(values['executor-api-url'] ?? apiUrl),
      mode,
      namespace,
      secrets: values['rbac-secrets'] === true,
      extraApiGroups: (values['extra-api-group'] ?? []).map(parseApiGroup),
      imageRepository: values.image ?? defaultExecutorImageRepository,
    };
    io.stdout.write(render(format, manifestOptions));
    return exitCodes.ok;
  },
};

/** The rendered text of one format; YAML documents for kubernetes. */
export function render(format: ManifestFormat, options: ExecutorManifestOptions): string {
  const header = `# Executor of cluster "${options.clusterId}" (mode ${options.mode}). Holds its token: keep it private.\n`;
  switch (format) {
    case 'kubernetes':
      return (
        header +
        executorManifests(options)
          .map((object) => `---\n${stringify(object)}`)
          .join('')
      );
    case 'helm-values':
      return `${header}# helm install kubently deploy/helm/kubently -n ${options.namespace} --create-namespace -f <this file>\n${stringify(executorHelmValues(options))}`;
    case 'compose':
      return `${header}# docker compose -f <this file> up -d\n${stringify(executorCompose(options))}`;
  }
}

async function resolveToken(
  clusterId: string,
  values: { token?: string | undefined; 'rotate-token'?: boolean | undefined } & Parameters<
    typeof openApiClient
  >[0],
  io: Parameters<CommandSpec['run']>[1],
): Promise<{ token: string; apiUrl: string | undefined }> {
  if (values.token !== undefined) {
    if (values.token === '') throw new KubentlyError('usage', '--token must not be empty');
    return { token: values.token, apiUrl: values['api-url'] ?? io.env.KUBENTLY_API_URL };
  }
  const client: ApiClient = await openApiClient(values, io);
  if (values['rotate-token'] === true) {
    return { token: (await client.rotateClusterToken(clusterId)).token, apiUrl: client.url };
  }
  try {
    return { token: (await client.createCluster(clusterId)).token, apiUrl: client.url };
  } catch (error) {
    if (error instanceof KubentlyError && (error.code === 'cluster_exists' || error.code === 'conflict')) {
      throw new KubentlyError(
        'cluster_exists',
        `cluster "${clusterId}" is already registered and its token is shown only once: pass --token <token> (from \`kubently clusters add\`) or --rotate-token to issue a new one`,
        { cause: error },
      );
    }
    throw error;
  }
}

function parseFormat(raw: string | undefined): ManifestFormat {
  const format = raw ?? 'kubernetes';
  if ((formats as readonly string[]).includes(format)) return format as ManifestFormat;
  throw new KubentlyError('usage', `--format must be one of ${formats.join(', ')}, got "${format}"`);
}

function parseMode(raw: string | undefined, acknowledged: boolean): PolicyMode {
  const parsed = policyModeSchema.safeParse(raw ?? 'readOnly');
  if (!parsed.success)
    throw new KubentlyError(
      'usage',
      `--mode must be readOnly, extendedReadOnly or fullAccess, got "${raw ?? ''}"`,
    );
  if (parsed.data === 'fullAccess' && !acknowledged)
    throw new KubentlyError(
      'usage',
      '--mode fullAccess lets callers change the cluster: add --acknowledge-full-access to take responsibility, or use readOnly',
    );
  return parsed.data;
}

function parseNamespace(raw: string): string {
  if (clusterIdSchema.safeParse(raw).success) return raw;
  throw new KubentlyError(
    'usage',
    `--namespace must be a DNS label (lowercase letters, digits, '-'), got "${raw}"`,
  );
}

function parseApiGroup(raw: string): string {
  if (/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(raw)) return raw;
  throw new KubentlyError(
    'usage',
    `--extra-api-group must be an API group name such as cert-manager.io, got "${raw}"`,
  );
}

function parseExecutorApiUrl(raw: string | undefined): string {
  if (raw === undefined)
    throw new KubentlyError(
      'usage',
      'no server URL: pass --executor-api-url (the server as reached from the target cluster) or --api-url',
    );
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  throw new KubentlyError('usage', `--executor-api-url must be an http(s) URL, got "${raw}"`);
}
