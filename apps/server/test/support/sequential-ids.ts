import type { IdGenerator } from '../../src/support/ids.js';

export const sequentialIds = (prefix = 'id'): IdGenerator => {
  let next = 0;
  return { next: () => `${prefix}-${++next}` };
};
