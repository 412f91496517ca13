import type { CommandResult } from '@kubently/protocol';
import { describe, expect, it } from 'vitest';

import { LinkRestored } from '../src/link/link-restored.js';
import { ServerClient } from '../src/link/server-client.js';
import { postResultUntilAcked } from '../src/runner/result-poster.js';
import { silentLogger } from './support/silent-logger.js';

const result: CommandResult = {
  commandId: 'c-1',
  exitCode: 0,
  stdout: 'ok',
  stderr: '',
  durationMs: 1,
  truncated: false,
  redactions: 0,
};

/** A client whose fetch answers with the scripted statuses (or throws for 0: a network error). */
function scriptedClient(statuses: number[]): { client: ServerClient; calls: () => number } {
  let calls = 0;
  const client = new ServerClient({
    apiUrl: 'http://127.0.0.1:9',
    clusterId: 'prod',
    token: 't',
    executorId: 'e',
    fetch: () => {
      calls += 1;
      const status = statuses.shift() ?? 200;
      if (status === 0) return Promise.reject(new TypeError('fetch failed'));
      const body = status === 200 ? { accepted: true, commandId: 'c-1', duplicate: false } : { error: 'x' };
      return Promise.resolve(new Response(JSON.stringify(body), { status }));
    },
  });
  return { client, calls: () => calls };
}

/** A client that records every posted body and answers with the scripted status and JSON body. */
function recordingClient(answers: { status: number; body?: unknown }[]): {
  client: ServerClient;
  posted: CommandResult[];
} {
  const posted: CommandResult[] = [];
  const client = new ServerClient({
    apiUrl: 'http://127.0.0.1:9',
    clusterId: 'prod',
    token: 't',
    executorId: 'e',
    fetch: (_url, init) => {
      posted.push(JSON.parse(typeof init?.body === 'string' ? init.body : '') as CommandResult);
      const answer = answers.shift() ?? { status: 200 };
      const body = answer.body ?? { accepted: true, commandId: 'c-1', duplicate: false };
      return Promise.resolve(new Response(JSON.stringify(body), { status: answer.status }));
    },
  });
  return { client, posted };
}

const base = { logger: silentLogger, maxBackoffMs: 30_000, giveUpAfterMs: 600_000, random: () => 0.5 };

describe('postResultUntilAcked', () => {
  it('retries network errors and 5xx, then acks', async () => {
    const { client, calls } = scriptedClient([0, 503, 500, 200]);
    const slept: number[] = [];
    let now = 0;
    const outcome = await postResultUntilAcked(
      {
        ...base,
        client,
        now: () => now,
        sleep: (ms) => {
          slept.push(ms);
          now += ms;
          return Promise.resolve();
        },
      },
      result,
      new AbortController().signal,
    );
    expect(outcome).toBe('acked');
    expect(calls()).toBe(4);
    expect(slept).toEqual([100, 200, 400]);
  });

  it('stops at a 404, 403 or 409 without retrying', async () => {
    for (const status of [404, 403, 409]) {
      const { client, calls } = scriptedClient([status]);
      const outcome = await postResultUntilAcked(
        { ...base, client, now: () => 0, sleep: () => Promise.resolve() },
        result,
        new AbortController().signal,
      );
      expect(outcome).toBe('rejected');
      expect(calls()).toBe(1);
    }
  });

  it('gives up once the next retry would pass the deadline', async () => {
    const { client } = scriptedClient([503, 503, 503, 503, 503, 503, 503, 503, 503, 503]);
    let now = 0;
    const outcome = await postResultUntilAcked(
      {
        ...base,
        giveUpAfterMs: 1000,
        client,
        now: () => now,
        sleep: (ms) => {
          now += ms;
          return Promise.resolve();
        },
      },
      result,
      new AbortController().signal,
    );
    expect(outcome).toBe('gave_up');
  });

  it('retries at once when the link comes back instead of waiting out the backoff', async () => {
    const { client, calls } = scriptedClient([503, 200]);
    const restored = new LinkRestored();
    const posting = postResultUntilAcked(
      {
        ...base,
        client,
        now: () => 0,
        sleep: () => new Promise<void>(() => undefined),
        linkRestored: () => restored.next(),
      },
      result,
      new AbortController().signal,
    );
    while (calls() < 1) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    restored.restored();
    expect(await posting).toBe('acked');
    expect(calls()).toBe(2);
  });

  const bigResult: CommandResult = { ...result, stdout: 'x'.repeat(5000), executorId: 'e', redactions: 2 };
  const bigSize = Buffer.byteLength(JSON.stringify(bigResult));

  it('posts a small output_too_large failure instead of a result over the limit the server announced', async () => {
    const { client, posted } = recordingClient([{ status: 200 }]);
    client.learnResultLimit(2048);
    const outcome = await postResultUntilAcked(
      { ...base, client, now: () => 0, sleep: () => Promise.resolve() },
      bigResult,
      new AbortController().signal,
    );
    expect(outcome).toBe('acked');
    expect(posted).toHaveLength(1);
    const sent = posted[0];
    expect(sent).toMatchObject({
      commandId: 'c-1',
      exitCode: 0,
      stdout: '',
      truncated: true,
      redactions: 2,
      executorId: 'e',
      failure: { code: 'output_too_large' },
    });
    expect(sent?.failure?.message).toContain(`${bigSize} bytes`);
    expect(sent?.failure?.message).toContain('2048 bytes');
    expect(sent?.failure?.message).toContain('KUBENTLY_RESULT_BODY_LIMIT_BYTES');
    expect(sent?.stderr).toBe(sent?.failure?.message);
    expect(Buffer.byteLength(JSON.stringify(sent))).toBeLessThan(2048);
  });

  it('posts a result under the limit as it is', async () => {
    const { client, posted } = recordingClient([{ status: 200 }]);
    client.learnResultLimit(bigSize);
    await postResultUntilAcked(
      { ...base, client, now: () => 0, sleep: () => Promise.resolve() },
      bigResult,
      new AbortController().signal,
    );
    expect(posted).toEqual([bigResult]);
  });

  it('turns a 413 (a server that announced no limit) into the same failure instead of dropping the result', async () => {
    const { client, posted } = recordingClient([
      {
        status: 413,
        body: { error: { code: 'payload_too_large', message: 'too big', details: { limitBytes: 4096 } } },
      },
      { status: 200 },
    ]);
    const outcome = await postResultUntilAcked(
      { ...base, client, now: () => 0, sleep: () => Promise.resolve() },
      bigResult,
      new AbortController().signal,
    );
    expect(outcome).toBe('acked');
    expect(posted.map((body) => body.failure?.code)).toEqual([undefined, 'output_too_large']);
    expect(posted[1]?.failure?.message).toContain('4096 bytes');
  });

  it('stops when even the small failure is refused as too large', async () => {
    const { client, posted } = recordingClient([{ status: 413 }, { status: 413 }]);
    const outcome = await postResultUntilAcked(
      { ...base, client, now: () => 0, sleep: () => Promise.resolve() },
      bigResult,
      new AbortController().signal,
    );
    expect(outcome).toBe('rejected');
    expect(posted).toHaveLength(2);
  });
});
