import { describe, expect, it } from 'vitest';

import { isKubentlyError } from '../../src/errors/kubently-error.js';
import { toBackendError } from '../../src/state/redis/backend-errors.js';

const codeOf = (error: Error): string => {
  const mapped = toBackendError(error, true, 'redis+cluster://127.0.0.1:7000');
  return isKubentlyError(mapped) ? mapped.code : 'passed-through';
};

describe('toBackendError', () => {
  it.each([
    // What ioredis's Cluster client says between a primary's death and its replica's promotion.
    'Too many Cluster redirections. Last error: ReplyError: MOVED 9794 127.0.0.1:29860',
    "Cluster isn't ready and enableOfflineQueue options is false",
    'None of startup nodes is available',
    'TRYAGAIN Multiple keys request during rehashing of slot',
    'CLUSTERDOWN The cluster is down',
    'Connection is closed.',
  ])('%s is backend_unavailable, not an internal error', (message) => {
    expect(codeOf(new Error(message))).toBe('backend_unavailable');
  });

  it('passes a bug through unchanged', () => {
    expect(codeOf(new TypeError('cannot read properties of undefined'))).toBe('passed-through');
  });
});
