import type { RunLayout } from './run-layout.js';

export type ComponentName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';

/** Start order; `stop` goes in reverse. */
export const componentOrder: readonly ComponentName[] = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
];

export interface Ports {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiserver: number;
  readonly kwok: number;
}

/** Annotation that makes kwok manage a Node (also on nodes created after `up`). */
export const kwokNodeAnnotation = 'kwok.x-k8s.io/node';

export function etcdArgs(layout: RunLayout, ports: Ports): string[] {
  const client = `http://127.0.0.1:${ports.etcdClient}`;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    '--name=testbed',
    `--data-dir=${layout.etcdDataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=testbed=${peer}`,
    '--unsafe-no-fsync=true',
    '--quota-backend-bytes=2147483648',
    '--log-level=warn',
  ];
}

export function apiserverArgs(layout: RunLayout, ports: Ports): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${ports.apiserver}`,
    `--cert-dir=${layout.pkiDir}`,
    `--token-auth-file=${layout.tokensFile}`,
    '--authorization-mode=Node,RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${layout.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${layout.serviceAccountKey}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--allow-privileged=true',
    // The `kubernetes` Service would get a loopback endpoint, which endpoint validation rejects.
    '--endpoint-reconciler-type=none',
    // Fake nodes advertise a realistic InternalIP plus InternalDNS=localhost, where kwok serves the
    // kubelet API (logs); the apiserver must prefer the latter to reach it.
    '--kubelet-preferred-address-types=InternalDNS,Hostname,InternalIP',
    '--profiling=false',
    '--v=1',
  ];
}

export function controllerManagerArgs(layout: RunLayout): string[] {
  return [
    `--kubeconfig=${layout.kubeconfig}`,
    `--authentication-kubeconfig=${layout.kubeconfig}`,
    `--authorization-kubeconfig=${layout.kubeconfig}`,
    '--leader-elect=false',
    '--use-service-account-credentials=false',
    `--service-account-private-key-file=${layout.serviceAccountKey}`,
    `--root-ca-file=${layout.servingCert}`,
    '--bind-address=127.0.0.1',
    '--secure-port=0',
    // All default controllers, node lifecycle included: kwok renews the node leases, so nodes stay
    // Ready unless a scenario's node stage reports otherwise (then taints come from this controller).
    '--controllers=*',
    '--profiling=false',
    '--v=1',
  ];
}

export function schedulerArgs(layout: RunLayout): string[] {
  return [
    `--kubeconfig=${layout.kubeconfig}`,
    `--authentication-kubeconfig=${layout.kubeconfig}`,
    `--authorization-kubeconfig=${layout.kubeconfig}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    '--secure-port=0',
    '--profiling=false',
    '--v=1',
  ];
}

export function kwokArgs(layout: RunLayout, ports: Ports, stagesFile: string): string[] {
  return [
    `--kubeconfig=${layout.kubeconfig}`,
    `--config=${stagesFile}`,
    `--config=${layout.kwokLogsConfig}`,
    `--manage-nodes-with-annotation-selector=${kwokNodeAnnotation}=fake`,
    '--node-ip=127.0.0.1',
    '--node-name=localhost',
    `--node-port=${ports.kwok}`,
    `--server-address=127.0.0.1:${ports.kwok}`,
    '--node-lease-duration-seconds=40',
    '--cidr=10.244.0.0/16',
  ];
}
