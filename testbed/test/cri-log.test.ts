import { describe, expect, it } from 'vitest';

import { toCriLog } from '../src/cri-log.js';

describe('toCriLog', () => {
  it('writes one CRI line per input line, oldest first, ending at the given time', () => {
    const end = new Date('2026-01-02T03:04:05.678Z');
    const out = toCriLog('first\nstderr| second\nthird\n', end, 1000);
    expect(out.split('\n')).toEqual([
      '2026-01-02T03:04:03.678000000Z stdout F first',
      '2026-01-02T03:04:04.678000000Z stderr F second',
      '2026-01-02T03:04:05.678000000Z stdout F third',
      '',
    ]);
  });
});
