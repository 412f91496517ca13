import { readFile } from 'node:fs/promises';

import { KubentlyError } from '../kubently-error.js';
import { cliConfigSchema, emptyCliConfig } from './cli-config.js';
import type { CliConfig } from './cli-config.js';

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}

/** A missing file is an empty config; an unreadable or invalid one is an error naming the file. */
export async function readCliConfig(file: string): Promise<CliConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return emptyCliConfig;
    throw new KubentlyError(
      'config_invalid',
      `cannot read the Kubently config file ${file}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new KubentlyError(
      'config_invalid',
      `the Kubently config file ${file} is not valid JSON: fix it or delete it and run \`kubently config set-server\` again`,
      { cause: error },
    );
  }
  const parsed = cliConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : ` at "${issue.path.join('.')}": ${issue.message}`;
    throw new KubentlyError(
      'config_invalid',
      `the Kubently config file ${file} is invalid${where}; fix it or delete it and run \`kubently config set-server\` again`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}
