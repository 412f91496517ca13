import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { renderKubeconfig } from '../src/kubeconfig.js';

describe('renderKubeconfig', () => {
  it('writes one cluster, token user and current context kubectl can load', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const config = parse(
      renderKubeconfig({ name: 'tb', server: 'https://127.0.0.1:6443', caPem: pem, token: 'abc123' }),
    ) as Record<string, unknown>;
    expect(config['current-context']).toBe('tb');
    expect(config['clusters']).toEqual([
      {
        name: 'tb',
        cluster: {
          server: 'https://127.0.0.1:6443',
          'certificate-authority-data': Buffer.from(pem).toString('base64'),
        },
      },
    ]);
    expect(config['users']).toEqual([{ name: 'tb', user: { token: 'abc123' } }]);
    expect(config['contexts']).toEqual([{ name: 'tb', context: { cluster: 'tb', user: 'tb' } }]);
  });
});
