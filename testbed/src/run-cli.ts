import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { defaultRunDir, stagesFile } from './paths.js';
import { listScenarioNames, loadScenario } from './scenario-catalog.js';
import { renderStages } from './stages/index.js';
import { Testbed } from './testbed.js';
import { TestbedError } from './testbed-error.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const usage = `Usage: npm run testbed -- <command>

  up [--nodes N] [--scenarios all|a,b] [--no-build]
                        start the control plane and kwok (detached); builds binaries if missing
  down                  stop everything and remove the run directory
  status                components, pids, memory, nodes
  env                   shell exports: eval "$(npm run -s testbed -- env)"
  scenario list
  scenario apply <name|all>
  scenario delete <name|all>
  scenario verify <name|all>  check each scenario's expected symptoms with kubectl
  stages [--check]      regenerate testbed/kwok/stages.yaml (or check it is current)

Run directory: \${KUBENTLY_TESTBED_RUN_DIR:-\${XDG_RUNTIME_DIR:-/tmp}/kubently-testbed}`;

/** The testbed CLI; returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof TestbedError) {
      io.stderr(`testbed: ${error.message}\n`);
      const tail = error.details['tail'];
      if (typeof tail === 'string' && tail !== '') io.stderr(`${tail}\n`);
      return error.code === 'invalid_input' ? 2 : 1;
    }
    throw error;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const runDir = defaultRunDir(io.env);
  switch (command) {
    case 'up':
      return up(rest, runDir, io);
    case 'down': {
      const testbed = await Testbed.attach(runDir);
      if (testbed === undefined) {
        io.stdout(`no testbed running in ${runDir}\n`);
        return 0;
      }
      await testbed.stop();
      io.stdout('testbed stopped\n');
      return 0;
    }
    case 'status':
      return status(runDir, io);
    case 'env': {
      const testbed = await requireTestbed(runDir);
      const env = testbed.env(io.env['PATH']);
      io.stdout(
        `export KUBECONFIG=${shellQuote(env.KUBECONFIG)}\nexport PATH=${shellQuote(testbed.binDir)}:"$PATH"\n`,
      );
      return 0;
    }
    case 'scenario':
      return scenario(rest, runDir, io);
    case 'stages':
      return stages(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(`${usage}\n`);
      return command === undefined ? 2 : 0;
    default:
      io.stderr(`testbed: unknown command "${command}"\n${usage}\n`);
      return 2;
  }
}

async function up(args: readonly string[], runDir: string, io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      nodes: { type: 'string', default: '3' },
      scenarios: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 50) {
    throw new TestbedError('invalid_input', `--nodes must be an integer from 1 to 50, got "${values.nodes}"`);
  }
  const startedAt = Date.now();
  const testbed = await Testbed.start({
    runDir,
    nodes,
    build: !values['no-build'],
    env: io.env,
    onLog: (line) => {
      io.stderr(`${line}\n`);
    },
  });
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  io.stdout(
    `testbed up in ${seconds}s: Kubernetes ${testbed.state.kubernetesVersion} at ${testbed.state.server}, ` +
      `nodes ${testbed.state.nodes.join(', ')}\n`,
  );
  if (values.scenarios !== undefined) {
    const names = values.scenarios === 'all' ? 'all' : values.scenarios.split(',').filter((n) => n !== '');
    const applied = await testbed.applyScenarios(names);
    io.stdout(`applied ${applied.length} scenario(s)\n`);
  }
  io.stdout(`kubeconfig: ${testbed.kubeconfig}\nuse it:     eval "$(npm run -s testbed -- env)"\n`);
  return 0;
}

async function status(runDir: string, io: CliIo): Promise<number> {
  const testbed = await Testbed.attach(runDir);
  if (testbed === undefined) {
    io.stdout(`no testbed running in ${runDir}\n`);
    return 3;
  }
  const components = await testbed.status();
  io.stdout(
    `server ${testbed.state.server} (Kubernetes ${testbed.state.kubernetesVersion}), run dir ${runDir}\n`,
  );
  let total = 0;
  for (const component of components) {
    total += component.rssBytes ?? 0;
    const rss = component.rssBytes === undefined ? '-' : `${Math.round(component.rssBytes / 2 ** 20)} MiB`;
    io.stdout(
      `${component.name.padEnd(24)} pid ${String(component.pid).padEnd(8)} ${component.running ? 'running' : 'STOPPED'}  rss ${rss}\n`,
    );
  }
  io.stdout(`total rss ${Math.round(total / 2 ** 20)} MiB\n`);
  const nodes = await testbed.kubectl(['get', 'nodes']);
  io.stdout(nodes.stdout);
  return components.every((component) => component.running) ? 0 : 1;
}

async function scenario(args: readonly string[], runDir: string, io: CliIo): Promise<number> {
  const [action, target] = args;
  if (action === 'list') {
    for (const name of await listScenarioNames()) {
      const loaded = await loadScenario(name);
      io.stdout(`${name.padEnd(34)} ${loaded.expected.category}\n`);
    }
    return 0;
  }
  if ((action !== 'apply' && action !== 'delete' && action !== 'verify') || target === undefined) {
    throw new TestbedError('invalid_input', 'usage: scenario list | scenario apply|delete|verify <name|all>');
  }
  const testbed = await requireTestbed(runDir);
  if (action === 'verify') {
    const names = target === 'all' ? await listScenarioNames() : target.split(',');
    let failed = 0;
    for (const name of names) {
      for (const { symptom, result } of await testbed.verifyScenario(name)) {
        if (!result.ok) failed++;
        io.stdout(`${result.ok ? 'ok  ' : 'FAIL'} ${name}: ${JSON.stringify(symptom)}\n`);
      }
    }
    return failed === 0 ? 0 : 1;
  }
  const names = target === 'all' ? 'all' : target.split(',');
  const done =
    action === 'apply' ? await testbed.applyScenarios(names) : await testbed.deleteScenarios(names);
  io.stdout(`${action === 'apply' ? 'applied' : 'deleted'}: ${done.map((s) => s.name).join(', ')}\n`);
  return 0;
}

async function stages(args: readonly string[], io: CliIo): Promise<number> {
  const rendered = renderStages();
  if (args.includes('--check')) {
    const current = await readFile(stagesFile, 'utf8').catch(() => '');
    if (current !== rendered) {
      io.stderr(`${stagesFile} is out of date; run \`npm run testbed -- stages\`\n`);
      return 1;
    }
    io.stdout(`${stagesFile} is current\n`);
    return 0;
  }
  await writeFile(stagesFile, rendered);
  io.stdout(`wrote ${stagesFile}\n`);
  return 0;
}

async function requireTestbed(runDir: string): Promise<Testbed> {
  const testbed = await Testbed.attach(runDir);
  if (testbed === undefined) {
    throw new TestbedError(
      'not_running',
      `no testbed running in ${runDir}; start one with \`npm run testbed -- up\``,
    );
  }
  return testbed;
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
