import { generateKeyPairSync, randomBytes } from 'node:crypto';

export interface TestbedSecrets {
  /** Static bearer token of the `testbed-admin` user in group `system:masters`. */
  readonly adminToken: string;
  /** PKCS#8 PEM private key signing service account tokens. */
  readonly serviceAccountPrivateKey: string;
  /** SPKI PEM public key verifying service account tokens. */
  readonly serviceAccountPublicKey: string;
}

export function generateSecrets(): TestbedSecrets {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    adminToken: randomBytes(32).toString('hex'),
    serviceAccountPrivateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    serviceAccountPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** One line of kube-apiserver's `--token-auth-file` (CSV: token,user,uid,"group1,group2"). */
export function tokenAuthLine(token: string, user: string, groups: readonly string[]): string {
  return `${token},${user},${user}-uid,"${groups.join(',')}"\n`;
}
