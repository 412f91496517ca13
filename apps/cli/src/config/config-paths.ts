import { isAbsolute, join, resolve } from 'node:path';

import type { CliIo } from '../cli-io.js';
import { KubentlyError } from '../kubently-error.js';

export interface ConfigPaths {
  readonly dir: string;
  readonly file: string;
}

/** `KUBENTLY_CONFIG_DIR`, else `$HOME/.kubently`; both come from `io.env` so tests use temp dirs. */
export function configPaths(io: Pick<CliIo, 'env' | 'cwd'>): ConfigPaths {
  const explicit = io.env['KUBENTLY_CONFIG_DIR'];
  const home = io.env['HOME'] ?? io.env['USERPROFILE'];
  let dir: string;
  if (explicit !== undefined && explicit !== '') {
    dir = isAbsolute(explicit) ? explicit : resolve(io.cwd, explicit);
  } else if (home !== undefined && home !== '') {
    dir = join(home, '.kubently');
  } else {
    throw new KubentlyError(
      'config_invalid',
      'cannot locate the Kubently config directory: set HOME, or KUBENTLY_CONFIG_DIR to a directory of your choice',
    );
  }
  return { dir, file: join(dir, 'config.json') };
}
