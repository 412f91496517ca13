import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

import { scenariosDir } from './paths.js';
import { expectedSchema } from './scenario-schema.js';
import type { ScenarioExpectation } from './scenario-schema.js';
import { TestbedError } from './testbed-error.js';

export interface ContainerLogFile {
  readonly container: string;
  readonly previous: boolean;
  readonly file: string;
}

export interface Scenario {
  readonly name: string;
  readonly dir: string;
  readonly manifests: string;
  readonly namespace: string;
  readonly expected: ScenarioExpectation;
  readonly logs: readonly ContainerLogFile[];
}

const namePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export async function listScenarioNames(root: string = scenariosDir): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Loads and validates one scenario directory; throws `invalid_input` naming what is wrong. */
export async function loadScenario(name: string, root: string = scenariosDir): Promise<Scenario> {
  if (!namePattern.test(name)) {
    throw new TestbedError('invalid_input', `scenario name "${name}" is not a DNS label`);
  }
  const dir = join(root, name);
  const manifests = join(dir, 'manifests.yaml');
  const fail = (problem: string): TestbedError =>
    new TestbedError('invalid_input', `scenario "${name}" (${dir}): ${problem}`);

  let manifestText: string;
  try {
    manifestText = await readFile(manifests, 'utf8');
  } catch {
    throw fail('manifests.yaml is missing');
  }
  const documents = parseAllDocuments(manifestText);
  const objects: unknown[] = [];
  for (const document of documents) {
    if (document.errors.length > 0) throw fail(`manifests.yaml: ${document.errors[0]?.message ?? ''}`);
    const value: unknown = document.toJS();
    if (value !== null) objects.push(value);
  }
  const first = objects[0] as { kind?: unknown; metadata?: { name?: unknown } } | undefined;
  if (first?.kind !== 'Namespace' || first.metadata?.name !== name) {
    throw fail(`manifests.yaml must start with the Namespace "${name}"`);
  }
  for (const object of objects.slice(1)) {
    const meta = (object as { kind?: unknown; metadata?: { namespace?: unknown } }).metadata;
    const kind = (object as { kind?: unknown }).kind;
    if (kind !== 'Node' && kind !== 'StorageClass' && meta?.namespace !== name) {
      throw fail(`every namespaced object must set metadata.namespace: ${name} (${String(kind)})`);
    }
  }

  try {
    await readFile(join(dir, 'README.md'), 'utf8');
  } catch {
    throw fail('README.md is missing');
  }

  let expectedText: string;
  try {
    expectedText = await readFile(join(dir, 'expected.json'), 'utf8');
  } catch {
    throw fail('expected.json is missing');
  }
  let expectedJson: unknown;
  try {
    expectedJson = JSON.parse(expectedText);
  } catch (error) {
    throw fail(`expected.json is not JSON (${(error as Error).message})`);
  }
  const expected = expectedSchema.safeParse(expectedJson);
  if (!expected.success) throw fail(`expected.json: ${expected.error.message}`);

  return { name, dir, manifests, namespace: name, expected: expected.data, logs: await logFiles(dir) };
}

async function logFiles(dir: string): Promise<ContainerLogFile[]> {
  let names: string[];
  try {
    names = await readdir(join(dir, 'logs'));
  } catch {
    return [];
  }
  return names
    .filter((file) => file.endsWith('.txt'))
    .sort()
    .map((file) => {
      const stem = basename(file, '.txt');
      const previous = stem.endsWith('.previous');
      return {
        container: previous ? stem.slice(0, -'.previous'.length) : stem,
        previous,
        file: join(dir, 'logs', file),
      };
    });
}

export async function loadAllScenarios(root: string = scenariosDir): Promise<Scenario[]> {
  const names = await listScenarioNames(root);
  return Promise.all(names.map((name) => loadScenario(name, root)));
}
