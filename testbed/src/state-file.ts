import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';

import { TestbedError } from './testbed-error.js';

const processSchema = z.object({
  pid: z.number().int().positive(),
  binary: z.string().min(1),
  logFile: z.string().min(1),
});

export const testbedStateSchema = z.object({
  version: z.literal(1),
  runDir: z.string().min(1),
  binDir: z.string().min(1),
  kubeconfig: z.string().min(1),
  server: z.url(),
  kubernetesVersion: z.string().min(1),
  startedAt: z.string().min(1),
  nodes: z.array(z.string().min(1)),
  ports: z.object({
    etcdClient: z.number().int(),
    etcdPeer: z.number().int(),
    apiserver: z.number().int(),
    kwok: z.number().int(),
  }),
  processes: z.object({
    etcd: processSchema,
    'kube-apiserver': processSchema,
    'kube-controller-manager': processSchema,
    'kube-scheduler': processSchema,
    kwok: processSchema,
  }),
});

export type TestbedState = z.infer<typeof testbedStateSchema>;

export async function writeState(file: string, state: TestbedState): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

/** The parsed state file, or undefined when there is none. */
export async function readState(file: string): Promise<TestbedState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = testbedStateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new TestbedError(
      'invalid_input',
      `the testbed state file ${file} is not valid (${parsed.error.message}); run \`npm run testbed -- down\` to clean up`,
    );
  }
  return parsed.data;
}
