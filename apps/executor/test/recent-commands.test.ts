import type { CommandResult } from '@kubently/protocol';
import { describe, expect, it } from 'vitest';

import { RecentCommands } from '../src/runner/recent-commands.js';

const result = (id: string): CommandResult => ({
  commandId: id,
  exitCode: 0,
  stdout: id,
  stderr: '',
  durationMs: 1,
  truncated: false,
  redactions: 0,
});

describe('RecentCommands', () => {
  it('remembers running and finished ids, newest kept, oldest evicted', () => {
    const recent = new RecentCommands({ maxIds: 3, maxResults: 10 });
    recent.markRunning('a');
    recent.markRunning('b');
    recent.markFinished('a', result('a'));
    recent.markRunning('c');
    recent.markRunning('d');
    expect(recent.get('b')).toBeUndefined();
    expect(recent.get('a')).toEqual({ type: 'finished', result: result('a') });
    expect(recent.get('d')).toEqual({ type: 'running' });
  });

  it('drops the oldest stored results beyond maxResults but keeps their ids', () => {
    const recent = new RecentCommands({ maxIds: 10, maxResults: 2 });
    for (const id of ['a', 'b', 'c']) {
      recent.markRunning(id);
      recent.markFinished(id, result(id));
    }
    expect(recent.get('a')).toEqual({ type: 'finished', result: null });
    expect(recent.get('b')).toEqual({ type: 'finished', result: result('b') });
    expect(recent.get('c')).toEqual({ type: 'finished', result: result('c') });
  });
});
