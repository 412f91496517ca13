import { createHash } from 'node:crypto';

import { kwokNodeAnnotation } from './component-args.js';

export interface NodeTaint {
  readonly key: string;
  readonly value: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface NodeManifest {
  readonly apiVersion: 'v1';
  readonly kind: 'Node';
  readonly metadata: {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
  };
  readonly spec: { readonly podCIDR: string; readonly taints?: readonly NodeTaint[] };
  readonly status: {
    readonly capacity: Readonly<Record<string, string>>;
    readonly allocatable: Readonly<Record<string, string>>;
    readonly addresses: readonly { readonly type: string; readonly address: string }[];
    readonly nodeInfo: Readonly<Record<string, string>>;
  };
}

const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'] as const;

/** The taint of the GPU node; scenarios rely on it. */
export const gpuTaint: NodeTaint = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };

/**
 * `count` fake nodes managed by kwok: `worker-1..` (4 CPU, 16 GiB) and, as the last of at least
 * two, `gpu-1` (8 CPU, 61 GiB, one GPU) carrying {@link gpuTaint}. InternalIP is realistic; the
 * InternalDNS address `localhost` is where the apiserver reaches kwok's kubelet API.
 */
export function fakeNodes(count: number, kubernetesVersion: string): NodeManifest[] {
  if (!Number.isInteger(count) || count < 1 || count > 50) {
    throw new RangeError(`node count must be an integer from 1 to 50, got ${count}`);
  }
  const nodes: NodeManifest[] = [];
  for (let i = 0; i < count; i++) {
    const isGpu = count >= 2 && i === count - 1;
    const name = isGpu ? 'gpu-1' : `worker-${i + 1}`;
    const zone = zones[i % zones.length] ?? 'us-east-1a';
    const capacity: Record<string, string> = isGpu
      ? { cpu: '8', memory: '62Gi', pods: '110', 'ephemeral-storage': '200Gi', 'nvidia.com/gpu': '1' }
      : { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };
    const allocatable: Record<string, string> = isGpu
      ? { cpu: '7910m', memory: '61Gi', pods: '110', 'ephemeral-storage': '180Gi', 'nvidia.com/gpu': '1' }
      : { cpu: '3920m', memory: '15Gi', pods: '110', 'ephemeral-storage': '90Gi' };
    nodes.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node.kubernetes.io/instance-type': isGpu ? 'g5.2xlarge' : 'm6i.xlarge',
          'topology.kubernetes.io/region': 'us-east-1',
          'topology.kubernetes.io/zone': zone,
          'node-role.kubernetes.io/worker': '',
          type: 'kwok',
          ...(isGpu ? { 'nvidia.com/gpu.present': 'true' } : {}),
        },
        annotations: { [kwokNodeAnnotation]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      },
      spec: { podCIDR: `10.244.${i}.0/24`, ...(isGpu ? { taints: [gpuTaint] } : {}) },
      status: {
        capacity,
        allocatable,
        addresses: [
          { type: 'InternalIP', address: `10.0.${i}.10` },
          { type: 'Hostname', address: name },
          { type: 'InternalDNS', address: 'localhost' },
        ],
        nodeInfo: {
          architecture: 'amd64',
          operatingSystem: 'linux',
          osImage: 'Ubuntu 24.04.2 LTS',
          kernelVersion: '6.8.0-1021-aws',
          containerRuntimeVersion: 'containerd://2.0.5',
          kubeletVersion: kubernetesVersion,
          kubeProxyVersion: kubernetesVersion,
          ...machineIds(name),
        },
      },
    });
  }
  return nodes;
}

/** Stable per-name identifiers, shaped like the kubelet reports them. */
function machineIds(name: string): { machineID: string; systemUUID: string; bootID: string } {
  const hex = createHash('sha256').update(name).digest('hex');
  const uuid = (h: string): string =>
    `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  return {
    machineID: hex.slice(0, 32),
    systemUUID: uuid(hex.slice(32, 64)),
    bootID: uuid(hex.slice(16, 48)),
  };
}
