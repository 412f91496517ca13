import { describe, expect, it } from 'vitest';

import { AuthFailureGuard } from '../../src/auth/auth-failure-guard.js';
import type { AuthFailure } from '../../src/auth/auth-failure-guard.js';
import { captureLogger } from '../support/captured-logger.js';
import { createFakeClock } from '../support/fake-clock.js';

const failure = (source: string, reason: AuthFailure['reason'] = 'invalid'): AuthFailure => ({
  source,
  surface: 'rest',
  reason,
  method: 'GET',
  path: '/v1/clusters',
  correlationId: 'c-1',
});

const setup = (maxFailures = 3, maxSources?: number) => {
  const clock = createFakeClock();
  const captured = captureLogger();
  const guard = new AuthFailureGuard({
    clock,
    logger: captured.logger,
    maxFailures,
    ...(maxSources === undefined ? {} : { maxSources }),
  });
  return { clock, captured, guard };
};

describe('AuthFailureGuard', () => {
  it('blocks a source after maxFailures invalid credentials within a minute, for 30 s, then lets it try again', () => {
    const { clock, guard } = setup(3);
    expect(guard.failed(failure('10.0.0.1'))).toBeNull();
    expect(guard.failed(failure('10.0.0.1'))).toBeNull();
    expect(guard.blockedFor('10.0.0.1')).toBeNull();
    expect(guard.failed(failure('10.0.0.1'))).toBe(30);
    expect(guard.blockedFor('10.0.0.1')).toBe(30);
    // Other sources are not affected.
    expect(guard.blockedFor('10.0.0.2')).toBeNull();
    clock.advance(29_001);
    expect(guard.blockedFor('10.0.0.1')).toBe(1);
    clock.advance(1000);
    expect(guard.blockedFor('10.0.0.1')).toBeNull();
  });

  it('doubles the block for a source that keeps guessing, up to 15 minutes', () => {
    const { clock, guard } = setup(1);
    const blocks: (number | null)[] = [];
    for (let round = 0; round < 8; round += 1) {
      blocks.push(guard.failed(failure('10.0.0.1')));
      clock.advance((blocks.at(-1) ?? 0) * 1000);
    }
    expect(blocks).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
  });

  it('forgets strikes of a source that stayed quiet for a whole maximum block', () => {
    const { clock, guard } = setup(1);
    expect(guard.failed(failure('10.0.0.1'))).toBe(30);
    clock.advance(30_000);
    expect(guard.failed(failure('10.0.0.1'))).toBe(60);
    clock.advance(60_000 + 15 * 60_000);
    expect(guard.failed(failure('10.0.0.1'))).toBe(30);
  });

  it('counts failures per minute window: slow failures never block', () => {
    const { clock, guard } = setup(3);
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect(guard.failed(failure('10.0.0.1'))).toBeNull();
      clock.advance(31_000);
    }
    expect(guard.blockedFor('10.0.0.1')).toBeNull();
  });

  it('never blocks for missing credentials (nothing was guessed), but logs them', () => {
    const { guard, captured } = setup(1);
    for (let attempt = 0; attempt < 5; attempt += 1)
      expect(guard.failed(failure('10.0.0.1', 'missing'))).toBeNull();
    expect(guard.blockedFor('10.0.0.1')).toBeNull();
    expect(captured.lines()[0]).toMatchObject({
      level: 40,
      msg: 'authentication failed',
      reason: 'missing',
      source: '10.0.0.1',
    });
  });

  it('logs at warn with the source, at most once a minute per source, counting what it suppressed', () => {
    const { clock, guard, captured } = setup(100);
    for (let attempt = 0; attempt < 5; attempt += 1) guard.failed(failure('10.0.0.1'));
    guard.failed(failure('10.0.0.2'));
    expect(captured.lines().map((line) => [line['source'], line['suppressed']])).toEqual([
      ['10.0.0.1', 0],
      ['10.0.0.2', 0],
    ]);
    clock.advance(60_000);
    guard.failed(failure('10.0.0.1'));
    expect(captured.lines().at(-1)).toMatchObject({
      level: 40,
      msg: 'authentication failed',
      source: '10.0.0.1',
      suppressed: 4,
      surface: 'rest',
      path: '/v1/clusters',
      correlationId: 'c-1',
    });
  });

  it('logs the start of every block, whatever the log interval', () => {
    const { guard, captured } = setup(3);
    guard.failed(failure('10.0.0.1'));
    guard.failed(failure('10.0.0.1'));
    guard.failed(failure('10.0.0.1'));
    expect(captured.lines().at(-1)).toMatchObject({
      msg: 'too many failed authentication attempts; refusing this source for a while',
      blockSeconds: 30,
      suppressed: 1,
    });
  });

  it('remembers a bounded number of sources, forgetting the least recently seen', () => {
    const { guard } = setup(1, 3);
    for (const source of ['a', 'b', 'c']) guard.failed(failure(source));
    expect(guard.blockedFor('a')).toBe(30);
    guard.failed(failure('d'));
    expect(guard.size).toBe(3);
    expect(guard.blockedFor('a')).toBeNull();
    expect(guard.blockedFor('d')).toBe(30);
  });
});
