import { describe, expect, it } from 'vitest';

import { backoffDelayMs } from '../src/link/backoff.js';

describe('backoffDelayMs (full jitter)', () => {
  it('spans [0, base * 2^attempt) and is capped', () => {
    const options = { baseMs: 500, capMs: 30_000 };
    expect(backoffDelayMs(0, { ...options, random: () => 0 })).toBe(0);
    expect(backoffDelayMs(0, { ...options, random: () => 0.999 })).toBe(499);
    expect(backoffDelayMs(3, { ...options, random: () => 0.5 })).toBe(2000);
    expect(backoffDelayMs(10, { ...options, random: () => 0.999 })).toBe(29_970);
    expect(backoffDelayMs(1000, { ...options, random: () => 0.5 })).toBe(15_000);
  });
});
