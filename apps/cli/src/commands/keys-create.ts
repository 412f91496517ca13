import { roleSchema, serviceIdentitySchema } from '@kubently/protocol';
import type { CreateKeyRequest, Role } from '@kubently/protocol';

import { openApiClient } from '../api/index.js';
import {
  connectionHelp,
  connectionOptions,
  parseClusterId,
  parseCommandArgs,
  requirePositionals,
} from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes } from '../exit-codes.js';
import { outputOption, parseDuration, parseOutputFormat } from '../format/index.js';
import { KubentlyError } from '../kubently-error.js';
import { printIssuedKey } from './keys-output.js';

const usage =
  'kubently keys create <identity> --role admin|operator|viewer [--clusters a,b] [--service-identities a,b] [--expires 30d] [-o table|json|yaml]';

const parseRole = (raw: string | undefined): Role => {
  if (raw === undefined)
    throw new KubentlyError('usage', `--role is required (admin, operator or viewer)\n  usage: ${usage}`);
  const parsed = roleSchema.safeParse(raw);
  if (!parsed.success) {
    throw new KubentlyError(
      'usage',
      `--role must be admin, operator or viewer; got "${raw}"\n  usage: ${usage}`,
    );
  }
  return parsed.data;
};

const parseClusters = (raw: string): string[] => {
  const ids = raw
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0)
    throw new KubentlyError(
      'usage',
      `--clusters needs at least one cluster id, e.g. --clusters prod,staging`,
    );
  return ids.map((id) => parseClusterId(id));
};

const parseServiceIdentities = (raw: string): string[] => {
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0)
    throw new KubentlyError(
      'usage',
      `--service-identities needs at least one name, e.g. --service-identities billing-bot,ci`,
    );
  for (const name of names) {
    if (!serviceIdentitySchema.safeParse(name).success)
      throw new KubentlyError(
        'usage',
        `--service-identities: "${name}" is not a service identity (1-128 letters, digits, ".", "_", "@", ":" or "-")`,
      );
  }
  return names;
};

export const keysCreateCommand: CommandSpec = {
  path: ['keys', 'create'],
  summary: 'Create an API key with a role, optional cluster scope and expiry (printed once)',
  help: `Usage: ${usage}

Creates a managed API key for <identity> and prints it once; the server keeps only its hash.
Needs an admin key without a cluster scope.

Flags:
  --role ROLE           admin, operator or viewer (required)
  --clusters A,B        the only clusters the key may see and act on (default: all)
  --service-identities A,B
                        the only X-Service-Identity values the key may assert (default: any)
  --expires DURATION    lifetime such as 12h, 30d or 2w (default: never expires)
  -o, --output FORMAT   table (default), json or yaml: {"key": ..., identity, role, clusters, ...}
${connectionHelp}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        ...connectionOptions,
        ...outputOption,
        role: { type: 'string' },
        clusters: { type: 'string' },
        'service-identities': { type: 'string' },
        expires: { type: 'string' },
      },
      usage,
    );
    const [identity] = requirePositionals(positionals, ['identity'], usage) as [string];
    const format = parseOutputFormat(values.output);
    const request: CreateKeyRequest = {
      identity,
      role: parseRole(values.role),
      ...(values.clusters === undefined ? {} : { clusters: parseClusters(values.clusters) }),
      ...(values['service-identities'] === undefined
        ? {}
        : { serviceIdentities: parseServiceIdentities(values['service-identities']) }),
      ...(values.expires === undefined
        ? {}
        : { expiresInSeconds: parseDuration(values.expires, '--expires') }),
    };
    const client = await openApiClient(values, io);
    printIssuedKey(io, await client.createKey(request), format, client.url);
    return exitCodes.ok;
  },
};
