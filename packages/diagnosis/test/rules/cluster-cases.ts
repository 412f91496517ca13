import { event, minutesAgo, node, podRef, snapshot } from '../fixtures/builders.js';
import { broken, notReadyNode } from '../fixtures/scenarios.js';
import type { RuleCase } from './rule-case.js';

export const clusterCases: readonly RuleCase[] = [
  {
    name: 'optional references are not reported',
    snapshot: () =>
      broken({ container: { envFrom: [{ secretRef: { name: 'web-secrets', optional: true } }] } }),
    rule: '-',
    resource: '-',
  },
  {
    name: 'PVC Pending on a missing StorageClass',
    snapshot: () =>
      snapshot({
        pvcs: [
          {
            metadata: { name: 'data', namespace: 'shop', creationTimestamp: minutesAgo(30) },
            spec: { storageClassName: 'fast-ssd' },
            status: { phase: 'Pending' },
          },
        ],
      }),
    rule: 'pvc-pending',
    resource: 'PersistentVolumeClaim/data',
    summary: /StorageClass fast-ssd does not exist/,
  },
  {
    name: 'PVC without class and no default class',
    snapshot: () =>
      snapshot({
        storageclasses: [],
        pvcs: [{ metadata: { name: 'data', namespace: 'shop' }, spec: {}, status: { phase: 'Pending' } }],
      }),
    rule: 'pvc-pending',
    resource: 'PersistentVolumeClaim/data',
    summary: /no default StorageClass/,
  },
  {
    name: 'PVC provisioning failed',
    snapshot: () =>
      snapshot({
        pvcs: [
          {
            metadata: { name: 'data', namespace: 'shop' },
            spec: { storageClassName: 'standard' },
            status: { phase: 'Pending' },
          },
        ],
        events: [
          event(
            { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' },
            'ProvisioningFailed',
            'failed to provision volume with StorageClass "standard": rpc error: code = ResourceExhausted desc = quota exceeded',
            { component: 'persistentvolume-controller' },
          ),
        ],
      }),
    rule: 'pvc-pending',
    resource: 'PersistentVolumeClaim/data',
    summary: /provisioning failed/,
  },
  {
    name: 'PV Released',
    snapshot: () =>
      snapshot({
        pvs: [
          {
            metadata: { name: 'pvc-1' },
            spec: { claimRef: { name: 'old', namespace: 'shop' }, persistentVolumeReclaimPolicy: 'Retain' },
            status: { phase: 'Released' },
          },
        ],
      }),
    rule: 'persistent-volume-unhealthy',
    resource: 'PersistentVolume/pvc-1',
    severity: 'info',
  },
  {
    name: 'two default StorageClasses',
    snapshot: () =>
      snapshot({
        storageclasses: [
          { metadata: { name: 'a', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } },
          { metadata: { name: 'b', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } },
        ],
      }),
    rule: 'storage-class-default-conflict',
    resource: 'StorageClass/a',
  },
  {
    name: 'node unreachable strands its pods',
    snapshot: notReadyNode,
    rule: 'node-not-ready',
    resource: 'Node/node-1',
    summary: /unreachable \(Ready=Unknown\); 1 pods stranded/,
    root: true,
  },
  {
    name: 'node NotReady because the CNI is not initialized',
    snapshot: () => snapshot({ nodes: [node('node-1', { ready: 'False' })] }),
    rule: 'node-not-ready',
    resource: 'Node/node-1',
    rootCause: /cni plugin not initialized/,
  },
  {
    name: 'node under disk pressure',
    snapshot: () =>
      snapshot({
        nodes: [
          node('node-1', {
            conditions: [
              {
                type: 'DiskPressure',
                status: 'True',
                reason: 'KubeletHasDiskPressure',
                message: 'kubelet has disk pressure',
              },
              { type: 'Ready', status: 'True', reason: 'KubeletReady' },
            ],
          }),
        ],
      }),
    rule: 'node-pressure',
    resource: 'Node/node-1',
    summary: /DiskPressure/,
  },
  {
    name: 'PVC stuck Terminating behind pvc-protection',
    snapshot: () =>
      snapshot({
        pvcs: [
          {
            metadata: {
              name: 'data',
              namespace: 'shop',
              deletionTimestamp: minutesAgo(90),
              finalizers: ['kubernetes.io/pvc-protection'],
            },
            spec: { storageClassName: 'standard' },
            status: { phase: 'Bound' },
          },
        ],
      }),
    rule: 'deletion-blocked',
    resource: 'PersistentVolumeClaim/data',
    rootCause: /a pod still mounts the claim/,
  },
  {
    name: 'unused ConfigMap',
    snapshot: () =>
      broken({}, () => ({ configmaps: [{ namespace: 'shop', name: 'old-settings', keys: ['a'] }] })),
    rule: 'configmap-unused',
    resource: 'ConfigMap/old-settings',
    severity: 'info',
  },
  {
    name: 'unexplained Warning events aggregated to the owner',
    snapshot: () =>
      broken({}, (built) => ({
        events: built.pods.map((pod) =>
          event(
            podRef(pod),
            'DNSConfigForming',
            'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.96.0.10 1.1.1.1 8.8.8.8',
            { count: 3 },
          ),
        ),
      })),
    rule: 'warning-events',
    resource: 'Deployment/web',
    summary: /DNSConfigForming ×6/,
  },
  {
    name: 'old Warning events are ignored',
    snapshot: () =>
      broken({}, (built) => ({
        events: built.pods.map((pod) =>
          event(podRef(pod), 'DNSConfigForming', 'Nameserver limits were exceeded', { minutesAgo: 300 }),
        ),
      })),
    rule: '-',
    resource: '-',
  },
  {
    name: 'namespaced snapshot: objects outside the scope are never declared missing',
    snapshot: () => ({
      ...snapshot({
        validatingwebhookconfigurations: [
          {
            metadata: { name: 'policy' },
            webhooks: [
              {
                name: 'v.policy.io',
                clientConfig: { service: { name: 'policy-webhook', namespace: 'policy' } },
              },
            ],
          },
        ],
        clusterrolebindings: [
          {
            metadata: { name: 'ops' },
            roleRef: { kind: 'ClusterRole', name: 'view' },
            subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace: 'ops' }],
          },
        ],
        clusterroles: [{ metadata: { name: 'view' }, rules: [] }],
      }),
      namespaces: ['shop'],
    }),
    rule: '-',
    resource: '-',
  },
  {
    name: 'a Pending PVC waiting for its first consumer is normal',
    snapshot: () =>
      snapshot({
        pvcs: [
          {
            metadata: { name: 'data', namespace: 'shop', creationTimestamp: minutesAgo(60) },
            spec: { storageClassName: 'standard' },
            status: { phase: 'Pending' },
          },
        ],
        events: [
          event(
            { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' },
            'WaitForFirstConsumer',
            'waiting for first consumer to be created before binding',
            { type: 'Normal', component: 'persistentvolume-controller' },
          ),
        ],
      }),
    rule: '-',
    resource: '-',
  },
  {
    name: 'a recently created LoadBalancer is not pending yet',
    snapshot: () =>
      snapshot({
        services: [
          {
            metadata: { name: 'edge', namespace: 'shop', creationTimestamp: minutesAgo(1) },
            spec: { type: 'LoadBalancer', ports: [{ port: 443 }] },
          },
        ],
      }),
    rule: '-',
    resource: '-',
  },
  {
    name: 'a ConfigMap named in a controller flag counts as used',
    snapshot: () =>
      broken(
        { container: { args: ['--configmap=$(POD_NAMESPACE)/web-controller', '--election-id=web-leader'] } },
        () => ({
          configmaps: [{ namespace: 'shop', name: 'web-controller', keys: ['use-forwarded-headers'] }],
        }),
      ),
    rule: '-',
    resource: '-',
  },
  {
    name: 'ServiceAccounts not collected: no missing-ServiceAccount claim',
    snapshot: () => {
      const { serviceaccounts: _ignored, ...rest } = broken({ podSpec: { serviceAccountName: 'web-sa' } });
      return rest;
    },
    rule: '-',
    resource: '-',
  },
];
