import { describe, expect, it } from 'vitest';

import { fakeNodes, gpuTaint } from '../src/fake-nodes.js';

describe('fakeNodes', () => {
  it('makes two workers and one tainted GPU node by default', () => {
    const nodes = fakeNodes(3, 'v1.35.4');
    expect(nodes.map((n) => n.metadata.name)).toEqual(['worker-1', 'worker-2', 'gpu-1']);
    expect(nodes.filter((n) => n.spec.taints !== undefined).map((n) => n.metadata.name)).toEqual(['gpu-1']);
    expect(nodes[2]?.spec.taints).toEqual([gpuTaint]);
    expect(nodes[2]?.status.capacity['nvidia.com/gpu']).toBe('1');
  });

  it('marks every node for kwok and gives each a distinct pod CIDR and InternalIP', () => {
    const nodes = fakeNodes(7, 'v1.35.4');
    for (const node of nodes) {
      expect(node.metadata.annotations['kwok.x-k8s.io/node']).toBe('fake');
      expect(node.status.addresses).toContainEqual({ type: 'InternalDNS', address: 'localhost' });
      expect(node.status.nodeInfo['kubeletVersion']).toBe('v1.35.4');
    }
    expect(new Set(nodes.map((n) => n.spec.podCIDR)).size).toBe(7);
    expect(new Set(nodes.map((n) => n.status.addresses[0]?.address)).size).toBe(7);
  });

  it('keeps a single node untainted so workloads can run', () => {
    expect(fakeNodes(1, 'v1.35.4')[0]?.spec.taints).toBeUndefined();
  });

  it.each([0, -1, 2.5, 51])('rejects %s nodes', (count) => {
    expect(() => fakeNodes(count, 'v1.35.4')).toThrow(/node count must be an integer from 1 to 50/);
  });
});
