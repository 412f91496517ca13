import type { RunningServer } from '@kubently/server';
import type { Report } from '@kubently/diagnosis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createPalette, createTurnPrinter } from '../src/chat/index.js';
import type { TurnEvent } from '../src/chat/index.js';
import { createTurnAccumulator } from '../src/chat/index.js';
import { printDiagnosis } from '../src/diagnose/print-diagnosis.js';
import { escapeTerminal, escapeTerminalOutput, escapeTerminalText, toJsonText } from '../src/format/index.js';
import { run } from '../src/run.js';
import { adminKey, startTestServer } from './support/start-stack.js';
import { createTestIo, makeTempDir } from './support/test-io.js';
import type { TestIo } from './support/test-io.js';

/**
 * Server data never reaches the operator's terminal raw: no ESC (CSI cursor moves and erases, OSC
 * titles and OSC 52 clipboard writes), no C1 controls, no carriage return, no bidi reordering.
 */
const osc52 = '\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007';
const eraseUp = '\u001b[1A\u001b[2K';
const c1Csi = '\u009b2J';
const bidi = '\u202e';
/** Any byte a terminal would act on (newline and tab are layout, not control, here). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const rawControl = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('escapeTerminal and friends', () => {
  it('shows every control, C1 and bidi character as an escape', () => {
    expect(escapeTerminal(`a${osc52}b${eraseUp}\r\n\t${c1Csi}${bidi}z`)).toBe(
      'a\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07b\\x1b[1A\\x1b[2K\\x0d\\x0a\\x09\\x9b2J\\u202ez',
    );
    expect(escapeTerminalText(`line 1\r\nline\t2${eraseUp}\rX`)).toBe(
      'line 1\nline\t2\\x1b[1A\\x1b[2K\\x0dX',
    );
  });

  it('lets colours through kubectl output on a terminal but nothing else', () => {
    const colored = '\u001b[32mINFO\u001b[0m ready';
    expect(escapeTerminalOutput(`${colored}\n${osc52}${eraseUp}\n`)).toBe(
      `${colored}\n\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07\\x1b[1A\\x1b[2K\n`,
    );
  });

  it('writes JSON whose DEL, C1 and bidi characters are \\u escapes of the same value', () => {
    const value = { argv: [`get${osc52}`, `x${c1Csi}${bidi}\u007f`] };
    const text = toJsonText(value);
    expect(text).not.toMatch(rawControl);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('kubently audit prints a denied hostile command escaped', () => {
  let server: RunningServer;
  let configDir: string;

  beforeAll(async () => {
    configDir = await makeTempDir();
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const kubently = async (args: string[]): Promise<{ code: number; io: TestIo }> => {
    const io = createTestIo({
      env: { KUBENTLY_CONFIG_DIR: configDir, KUBENTLY_API_URL: server.url, KUBENTLY_API_KEY: adminKey },
    });
    return { code: await run(args, io), io };
  };

  it('in the table, the JSON and the denial message', async () => {
    expect((await kubently(['clusters', 'add', 'prod', '-o', 'json'])).code).toBe(0);
    for (const name of [`web${osc52}`, `web${eraseUp}`, `web${c1Csi}`, `web${bidi}1`]) {
      const denied = await kubently(['exec', 'prod', '--', 'get', 'pod', name]);
      expect(denied.code).not.toBe(0);
      expect(denied.io.err()).toContain('control characters');
      expect(denied.io.err()).not.toMatch(rawControl);
    }
    const table = await kubently(['audit', '--cluster', 'prod']);
    expect(table.code).toBe(0);
    expect(table.io.out()).toContain('get pod web\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07');
    expect(table.io.out()).toContain('get pod web\\x1b[1A\\x1b[2K');
    expect(table.io.out()).toMatch(/get pod web(\\x9b|\\u009b)2J/);
    expect(table.io.out()).toContain('get pod web\\u202e1');
    expect(table.io.out()).not.toMatch(rawControl);
    // One record per line: nothing inside a cell broke a row.
    expect(table.io.out().trimEnd().split('\n')).toHaveLength(5);
    const json = await kubently(['audit', '--cluster', 'prod', '-o', 'json']);
    expect(json.io.out()).not.toMatch(rawControl);
    const { records } = JSON.parse(json.io.out()) as { records: { argv: string[] }[] };
    expect(records.map((record) => record.argv[2])).toContain(`web${osc52}`);
  });
});

/** A server answering with whatever it likes: the CLI must hold on its own. */
const hostileServer = (routes: Record<string, { status?: number; body: unknown }>): typeof fetch => {
  return (input) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const route = routes[url.pathname];
    return Promise.resolve(
      new Response(JSON.stringify(route?.body ?? { error: { code: 'not_found', message: 'no route' } }), {
        status: route?.status ?? (route === undefined ? 404 : 200),
        headers: { 'content-type': 'application/json' },
      }),
    );
  };
};

const hostileIo = async (fetchImpl: typeof fetch, isTty = false): Promise<TestIo> => {
  const base = createTestIo({
    env: {
      KUBENTLY_CONFIG_DIR: await makeTempDir(),
      KUBENTLY_API_URL: 'http://kubently.test',
      KUBENTLY_API_KEY: adminKey,
    },
  });
  const tty = isTty ? { isTTY: true } : {};
  return {
    ...base,
    fetch: fetchImpl,
    stdout: Object.assign(base.stdout, tty),
    stderr: Object.assign(base.stderr, tty),
  };
};

const cluster = {
  id: 'prod',
  createdAt: '2026-01-01T00:00:00.000Z',
  connected: true,
  executors: 1,
  lastSeenAt: '2026-01-01T00:00:00.000Z',
  mode: 'readOnly',
  executorVersion: `0.1.0${osc52}${eraseUp}`,
  kubectlVersion: `v1.35.0${c1Csi}`,
  kubernetesVersion: `v1.35.0${bidi}`,
};

describe('against a hostile server', () => {
  it('clusters list escapes executor-reported versions in the table and the JSON', async () => {
    const io = await hostileIo(hostileServer({ '/v1/clusters': { body: { clusters: [cluster] } } }));
    const code = await run(['clusters', 'list'], io);
    expect(io.out()).not.toMatch(rawControl);
    expect(io.err()).not.toMatch(rawControl);
    // A server whose schema refuses such versions makes the CLI refuse them too; either way nothing raw.
    if (code === 0) {
      expect(io.out()).toContain('0.1.0\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07\\x1b[1A\\x1b[2K');
      expect(io.out()).toContain('v1.35.0\\u202e');
      const json = await hostileIo(hostileServer({ '/v1/clusters': { body: { clusters: [cluster] } } }));
      await run(['clusters', 'list', '-o', 'json'], json);
      expect(json.out()).not.toMatch(rawControl);
    }
  });

  it('prints an error message from the server escaped', async () => {
    const io = await hostileIo(
      hostileServer({
        '/v1/clusters': {
          status: 409,
          body: { error: { code: 'conflict', message: `cluster exists${eraseUp}${osc52}\r all fine` } },
        },
      }),
    );
    expect(await run(['clusters', 'list'], io)).not.toBe(0);
    expect(io.err()).toContain('cluster exists\\x1b[1A\\x1b[2K\\x1b]52;c;');
    expect(io.err()).not.toMatch(rawControl);
  });

  it('exec escapes kubectl output on a terminal (colours kept) and passes it byte-exact through a pipe', async () => {
    const stdout = `NAME\n\u001b[31mweb\u001b[0m${osc52}\n`;
    const response = {
      id: 'c1',
      clusterId: 'prod',
      status: 'failed',
      args: ['get', 'pods'],
      exitCode: 1,
      stdout,
      stderr: `Error from server (NotFound): pods "x${eraseUp}" not found\n`,
      durationMs: 3,
      truncated: false,
      redactions: 0,
      failure: { code: 'executor_error', message: `boom${osc52}` },
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    const routes = { '/v1/commands': { body: response } };
    const tty = await hostileIo(hostileServer(routes), true);
    await run(['exec', 'prod', '--', 'get', 'pods'], tty);
    expect(tty.out()).toBe('NAME\n\u001b[31mweb\u001b[0m\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07\n');
    expect(tty.err()).toContain('pods "x\\x1b[1A\\x1b[2K" not found');
    expect(tty.err()).toContain('failed: boom\\x1b]52');
    const piped = await hostileIo(hostileServer(routes), false);
    await run(['exec', 'prod', '--', 'get', 'pods'], piped);
    expect(piped.out()).toBe(stdout);
    // Kubently's own line about the failure is escaped on any output.
    expect(piped.err()).toContain('failed: boom\\x1b]52');
  });
});

describe('chat and diagnosis output', () => {
  it('escapes answers, tool-call lines and summaries the agent streams', () => {
    let screen = '';
    const output = { write: (chunk: string) => (screen += chunk) };
    const printer = createTurnPrinter({ answer: output, progress: output, palette: createPalette(true) });
    const stream = (event: unknown): TurnEvent[] => [{ type: 'stream', event } as TurnEvent];
    const events: TurnEvent[] = [
      ...stream({ type: 'text-delta', text: `Root cause${osc52}\n` }),
      ...stream({
        type: 'tool-call-started',
        id: 'a',
        tool: 'execute_kubectl',
        args: { args: ['get', 'pod', `web${eraseUp}`] },
      }),
      ...stream({
        type: 'tool-call-finished',
        id: 'a',
        tool: 'execute_kubectl',
        outcome: 'error',
        durationMs: 10,
        summary: `kubectl_failed${c1Csi}${bidi}`,
      }),
    ];
    const accumulator = createTurnAccumulator();
    for (const event of events) {
      printer.onEvent(event);
      accumulator.add(event);
    }
    printer.finish(accumulator.result(), 100);
    // The palette's own colours are there; nothing else raw.
    expect(screen).toContain('\u001b[36m▶');
    // eslint-disable-next-line no-control-regex -- removing the palette's own SGR sequences
    expect(screen.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(rawControl);
    expect(screen).toContain('Root cause\\x1b]52;c;');
    expect(screen).toContain('web\\x1b[1A\\x1b[2K');
    expect(screen).toContain('kubectl_failed\\x9b2J\\u202e');
  });

  it('kubently diagnose prints findings that quote the cluster escaped, as a table and as Markdown', () => {
    const finding = {
      id: 'f1',
      rule: 'container-crash-loop',
      category: 'incident' as const,
      severity: 'critical' as const,
      resource: { kind: 'Pod', namespace: 'shop', name: 'api-1' },
      summary: `container api is crash-looping${eraseUp}`,
      rootCause: `Its termination message: "${osc52}"`,
      evidence: [
        {
          type: 'event' as const,
          object: { kind: 'Pod', namespace: 'shop', name: 'api-1' },
          reason: 'BackOff',
          message: `back-off${c1Csi}`,
          count: 2,
          lastSeen: '2026-01-01T00:00:00Z',
          command: 'kubectl describe pod api-1 -n shop',
        },
      ],
      remediation: `fix it${bidi}`,
      affected: [],
      causes: [],
      causedBy: [],
    };
    const report: Report = {
      findings: [finding],
      symptoms: [],
      summary: {
        rootCauses: 1,
        posture: 0,
        symptoms: 0,
        bySeverity: { critical: 1, warning: 0, info: 0 },
        rulesRun: 1,
        objectsScanned: 1,
      },
      collectedAt: '2026-01-01T00:00:00Z',
      generatedAt: '2026-01-01T00:00:00Z',
      namespaces: ['shop'],
    };
    const collection = {
      durationMs: 10,
      commands: [],
      collected: ['pods'],
      warnings: [
        {
          resource: 'events',
          problem: 'failed',
          message: `webhook says${osc52}`,
          fix: 'retry',
          kindKept: true,
        },
      ],
    };
    for (const format of ['table', 'markdown', 'json'] as const) {
      const io = createTestIo();
      printDiagnosis({ report, collection, format, origin: { clusterId: 'prod' }, failOn: undefined, io });
      expect(io.out(), format).not.toMatch(rawControl);
      expect(io.err(), format).not.toMatch(rawControl);
      if (format !== 'json') {
        expect(io.out()).toContain('crash-looping\\x1b[1A');
        expect(io.err()).toContain('webhook says\\x1b]52');
      }
    }
  });
});
