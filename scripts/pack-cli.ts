/**
 * Packs the `kubently` CLI as one installable tarball: `npm install -g <tarball>` puts `kubently`
 * on PATH. The CLI depends on the repository's internal packages (@kubently/protocol, policy,
 * diagnosis, agent, server, executor), which are not published: they travel inside the tarball as
 * bundled dependencies (their built `dist/` and package.json), and their public dependencies are
 * lifted into the tarball's own `dependencies`, so npm installs them beside the CLI as usual.
 *
 * Usage: npm run build && npx tsx scripts/pack-cli.ts [--out DIR]   (prints the tarball's path)
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';

import { z } from 'zod';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

const stringMap = z.record(z.string(), z.string());

/** A workspace's package.json: the fields packing reads, every other field kept as it is. */
const manifestSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  description: z.string().optional(),
  license: z.string().optional(),
  type: z.string().optional(),
  exports: z.record(z.string(), stringMap).optional(),
  bin: stringMap.optional(),
  engines: stringMap.optional(),
  dependencies: stringMap.optional(),
  workspaces: z.array(z.string()).optional(),
});
type Manifest = z.infer<typeof manifestSchema>;

const packOutputSchema = z.array(z.object({ filename: z.string() }));

const readManifest = async (directory: string): Promise<Manifest> => {
  const file = join(directory, 'package.json');
  const parsed = manifestSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.message}`);
  return parsed.data;
};

/** `exports` without the `kubently-source` condition (it points at sources the tarball lacks). */
const publishedExports = (manifest: Manifest): Manifest['exports'] =>
  manifest.exports === undefined
    ? undefined
    : Object.fromEntries(
        Object.entries(manifest.exports).map(([key, conditions]) => [
          key,
          Object.fromEntries(
            Object.entries(conditions).filter(([condition]) => condition !== 'kubently-source'),
          ),
        ]),
      );

const copyBuilt = async (from: string, to: string, parts: readonly string[]): Promise<void> => {
  for (const part of parts) {
    await cp(join(from, part), join(to, part), {
      recursive: true,
      filter: (source) => !source.endsWith('.tsbuildinfo'),
    });
  }
};

async function packCli(outDirectory: string): Promise<string> {
  const rootManifest = await readManifest(root);
  const workspaces = rootManifest.workspaces ?? [];
  const byName = new Map<string, { directory: string; manifest: Manifest }>();
  for (const workspace of workspaces) {
    const directory = join(root, workspace);
    const manifest = await readManifest(directory);
    byName.set(manifest.name, { directory, manifest });
  }
  const cli = byName.get('@kubently/cli');
  if (cli === undefined) throw new Error('no @kubently/cli workspace');

  // Every internal package the CLI reaches, and the public dependencies of all of them.
  const internal = new Map<string, { directory: string; manifest: Manifest }>();
  const external = new Map<string, { range: string; from: string }>();
  const visit = (manifest: Manifest): void => {
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      const workspace = byName.get(name);
      if (workspace !== undefined) {
        if (!internal.has(name)) {
          internal.set(name, workspace);
          visit(workspace.manifest);
        }
        continue;
      }
      const known = external.get(name);
      if (known !== undefined && known.range !== range) {
        throw new Error(
          `${name} is "${known.range}" in ${known.from} but "${range}" in ${manifest.name}: align them`,
        );
      }
      external.set(name, { range, from: manifest.name });
    }
  };
  visit(cli.manifest);

  const staging = await mkdtemp(join(tmpdir(), 'kubently-pack-'));
  try {
    await copyBuilt(cli.directory, staging, ['bin', 'dist']);
    const publicDependencies = Object.fromEntries(
      [...external]
        .sort(([left], [right]) => left.localeCompare(right))
        .map(([name, { range }]) => [name, range]),
    );
    const names = [...internal.keys()].sort();
    const manifest = {
      name: 'kubently',
      version: cli.manifest.version,
      description: rootManifest.description,
      license: rootManifest.license,
      type: 'module',
      engines: rootManifest.engines,
      exports: publishedExports(cli.manifest),
      bin: cli.manifest.bin,
      files: ['bin', 'dist'],
      dependencies: publicDependencies,
    };
    // npm counts the dependencies of a bundled package as part of the bundle (it never installs
    // them), so they are bundled too: installed here first, the internal packages copied beside.
    await writeFile(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await run(
      'npm',
      [
        'install',
        '--omit=dev',
        '--ignore-scripts',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
      ],
      {
        cwd: staging,
      },
    );
    for (const [name, { directory, manifest: bundled }] of internal) {
      const target = join(staging, 'node_modules', name);
      await mkdir(target, { recursive: true });
      await copyBuilt(directory, target, ['dist']);
      await writeFile(
        join(target, 'package.json'),
        `${JSON.stringify({ ...bundled, exports: publishedExports(bundled) }, null, 2)}\n`,
      );
    }
    const dependencies = {
      ...publicDependencies,
      ...Object.fromEntries(names.map((name) => [name, internal.get(name)?.manifest.version ?? ''])),
    };
    await writeFile(
      join(staging, 'package.json'),
      `${JSON.stringify({ ...manifest, dependencies, bundleDependencies: Object.keys(dependencies) }, null, 2)}\n`,
    );
    await mkdir(outDirectory, { recursive: true });
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', outDirectory], {
      cwd: staging,
      maxBuffer: 256 * 1024 * 1024,
    });
    const [packed] = packOutputSchema.parse(JSON.parse(stdout));
    if (packed === undefined) throw new Error(`npm pack printed no file: ${stdout}`);
    return join(outDirectory, packed.filename);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

const { values } = parseArgs({ options: { out: { type: 'string' } } });
process.stdout.write(`${await packCli(resolve(values.out ?? process.cwd()))}\n`);
