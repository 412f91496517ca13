import { randomUUID } from 'node:crypto';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { KubentlyError } from '../kubently-error.js';
import { cliConfigSchema } from './cli-config.js';
import type { CliConfig } from './cli-config.js';
import type { ConfigPaths } from './config-paths.js';

/**
 * Writes atomically: a private temp file (0600, created exclusively) in the same directory,
 * fsync, then rename over the target, so a crash leaves either the old or the new file and the
 * API keys are never readable by other users, not even for a moment. The directory is 0700.
 */
export async function writeCliConfig(paths: ConfigPaths, config: CliConfig): Promise<void> {
  const valid = cliConfigSchema.parse(config);
  const temp = join(paths.dir, `.${basename(paths.file)}.${randomUUID()}.tmp`);
  try {
    await mkdir(paths.dir, { recursive: true, mode: 0o700 });
    await chmod(paths.dir, 0o700);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(valid, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, paths.file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new KubentlyError(
      'config_invalid',
      `cannot write the Kubently config file ${paths.file}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}
