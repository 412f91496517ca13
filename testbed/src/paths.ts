import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The testbed package root (`testbed/`), valid from `src/` (tsx, vitest) and from `dist/`. */
export const testbedRoot: string = fileURLToPath(new URL('..', import.meta.url));

export const buildScript: string = join(testbedRoot, 'build.sh');
export const scenariosDir: string = join(testbedRoot, 'scenarios');
export const stagesFile: string = join(testbedRoot, 'kwok', 'stages.yaml');

/**
 * Well-known directory of the detached testbed started by `npm run testbed -- up`
 * (`${XDG_RUNTIME_DIR:-/tmp}/kubently-testbed`). Callers pass `env` so tests can redirect it.
 */
export function defaultRunDir(env: Readonly<Record<string, string | undefined>>): string {
  const explicit = env['KUBENTLY_TESTBED_RUN_DIR'];
  if (explicit !== undefined && explicit !== '') return explicit;
  const runtime = env['XDG_RUNTIME_DIR'];
  return join(runtime !== undefined && runtime !== '' ? runtime : tmpdir(), 'kubently-testbed');
}
