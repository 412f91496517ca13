import { join } from 'node:path';

/** Where every file of one testbed run lives; the run directory is removed by `stop`. */
export interface RunLayout {
  readonly runDir: string;
  readonly stateFile: string;
  readonly kubeconfig: string;
  readonly logsDir: string;
  readonly etcdDataDir: string;
  readonly pkiDir: string;
  readonly servingCert: string;
  readonly tokensFile: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPublicKey: string;
  readonly kwokLogsConfig: string;
  readonly containerLogsDir: string;
}

export function runLayout(runDir: string): RunLayout {
  const pkiDir = join(runDir, 'pki');
  return {
    runDir,
    stateFile: join(runDir, 'state.json'),
    kubeconfig: join(runDir, 'kubeconfig'),
    logsDir: join(runDir, 'logs'),
    etcdDataDir: join(runDir, 'etcd'),
    pkiDir,
    servingCert: join(pkiDir, 'apiserver.crt'),
    tokensFile: join(pkiDir, 'tokens.csv'),
    serviceAccountKey: join(pkiDir, 'sa.key'),
    serviceAccountPublicKey: join(pkiDir, 'sa.pub'),
    kwokLogsConfig: join(runDir, 'kwok-logs.yaml'),
    containerLogsDir: join(runDir, 'container-logs'),
  };
}
