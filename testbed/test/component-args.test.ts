import { describe, expect, it } from 'vitest';

import {
  apiserverArgs,
  controllerManagerArgs,
  etcdArgs,
  kwokArgs,
  schedulerArgs,
} from '../src/component-args.js';
import { runLayout } from '../src/run-layout.js';

const layout = runLayout('/run/tb');
const ports = { etcdClient: 1001, etcdPeer: 1002, apiserver: 1003, kwok: 1004 };

describe('component arguments', () => {
  it('binds etcd to loopback only', () => {
    const args = etcdArgs(layout, ports);
    expect(args).toContain('--listen-client-urls=http://127.0.0.1:1001');
    expect(args).toContain('--listen-peer-urls=http://127.0.0.1:1002');
    expect(args).toContain('--data-dir=/run/tb/etcd');
  });

  it('points the apiserver at etcd, the token file and the service account keys', () => {
    const args = apiserverArgs(layout, ports);
    expect(args).toEqual(
      expect.arrayContaining([
        '--etcd-servers=http://127.0.0.1:1001',
        '--bind-address=127.0.0.1',
        '--secure-port=1003',
        '--token-auth-file=/run/tb/pki/tokens.csv',
        '--service-account-key-file=/run/tb/pki/sa.pub',
        '--service-account-signing-key-file=/run/tb/pki/sa.key',
        '--kubelet-preferred-address-types=InternalDNS,Hostname,InternalIP',
      ]),
    );
  });

  it('runs controllers without serving ports and with leader election off', () => {
    for (const args of [controllerManagerArgs(layout), schedulerArgs(layout)]) {
      expect(args).toContain('--secure-port=0');
      expect(args).toContain('--leader-elect=false');
      expect(args).toContain('--kubeconfig=/run/tb/kubeconfig');
    }
  });

  it('gives kwok the stages and the generated logs config and the annotation selector', () => {
    const args = kwokArgs(layout, ports, '/repo/testbed/kwok/stages.yaml');
    expect(args).toEqual(
      expect.arrayContaining([
        '--config=/repo/testbed/kwok/stages.yaml',
        '--config=/run/tb/kwok-logs.yaml',
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        '--server-address=127.0.0.1:1004',
        '--node-port=1004',
      ]),
    );
  });
});
