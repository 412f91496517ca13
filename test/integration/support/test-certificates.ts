import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PemPair {
  readonly certFile: string;
  readonly keyFile: string;
}

/** A fresh self-signed CA (P-256, one day) made with the openssl CLI in `dir`. */
export async function makeCa(dir: string, name: string): Promise<PemPair> {
  const pair = { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    pair.keyFile,
    '-out',
    pair.certFile,
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
  ]);
  return pair;
}

/** A server certificate for 127.0.0.1 and localhost, signed by `ca`, with a fresh key. */
export async function makeServerCertificate(dir: string, ca: PemPair, name: string): Promise<PemPair> {
  const pair = { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
  const request = join(dir, `${name}.csr`);
  const extensions = join(dir, `${name}.ext`);
  await writeFile(extensions, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await run('openssl', [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    pair.keyFile,
    '-out',
    request,
    '-subj',
    `/CN=${name}`,
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    request,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-set_serial',
    String(Date.now()),
    '-out',
    pair.certFile,
    '-days',
    '1',
    '-extfile',
    extensions,
  ]);
  return pair;
}
