import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { executorOptionsFromEnvironment } from '@kubently/executor';
import { parseEnvironment } from '@kubently/server';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * deploy/compose/compose.yaml cannot be started here (no container engine): check that every
 * variable it sets is one the server or the executor reads, and the hardening every service keeps.
 */
interface Service {
  environment?: Record<string, string>;
  read_only?: boolean;
  cap_drop?: string[];
  user?: string;
}
const compose = parse(
  readFileSync(fileURLToPath(new URL('../../deploy/compose/compose.yaml', import.meta.url)), 'utf8'),
  { merge: true },
) as { services: Record<string, Service> };

/** Compose interpolation with sample values for the variables the header asks for. */
const interpolate = (value: string): string =>
  value
    .replace(/\$\{KUBENTLY_ADMIN_KEY[^}]*\}/g, 'k'.repeat(32))
    .replace(/\$\{KUBENTLY_TOKEN[^}]*\}/g, 't'.repeat(32))
    .replace(/\$\{CLUSTER_ID:-([^}]*)\}/g, '$1');

describe('deploy/compose/compose.yaml', () => {
  it('every service runs non-root with a read-only root filesystem and no capabilities', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.read_only, name).toBe(true);
      expect(service.cap_drop, name).toEqual(['ALL']);
      expect(service.user, name).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    }
  });

  it('sets only variables the server reads, each changing its configuration', () => {
    const environment = compose.services['server']?.environment ?? {};
    const baseline = JSON.stringify(parseEnvironment({}));
    /** Read: its value changes the configuration, or a bad value is refused naming it. */
    const isRead = (name: string, value: string): boolean => {
      if (JSON.stringify(parseEnvironment({ [name]: value })) !== baseline) return true;
      try {
        parseEnvironment({ [name]: 'not a valid value' });
        return false;
      } catch (error) {
        return error instanceof Error && error.message.includes(name);
      }
    };
    for (const [name, value] of Object.entries(environment))
      expect(isRead(name, interpolate(value)), name).toBe(true);
  });

  it('sets only variables the executor reads', () => {
    const environment = Object.fromEntries(
      Object.entries(compose.services['executor']?.environment ?? {}).map(([name, value]) => [
        name,
        interpolate(value),
      ]),
    );
    expect(Object.keys(executorOptionsFromEnvironment(environment)).length).toBe(
      Object.keys(environment).length,
    );
    expect(environment['KUBENTLY_API_URL']).toBe('http://server:8080');
  });
});
