import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Server as HttpsServer } from 'node:https';
import { createSecureContext } from 'node:tls';

import { ConfigError } from '../config.js';
import type { Logger } from '../support/logger.js';
import type { Timers } from '../support/timers.js';

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** Reads and checks the pair (the key must match the certificate); ConfigError names the variable. */
export const loadTlsMaterial = async (files: TlsFiles): Promise<TlsMaterial> => {
  const read = async (path: string, variable: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (cause) {
      throw new ConfigError(
        variable,
        `cannot read ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
  };
  const material = {
    cert: await read(files.certFile, 'KUBENTLY_TLS_CERT_FILE'),
    key: await read(files.keyFile, 'KUBENTLY_TLS_KEY_FILE'),
  };
  try {
    createSecureContext(material);
  } catch (cause) {
    throw new ConfigError(
      'KUBENTLY_TLS_CERT_FILE',
      `${files.certFile} and ${files.keyFile} are not a usable PEM certificate and matching key: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  return material;
};

/** Subject, expiry and fingerprint of the leaf certificate, for logs. */
export const describeCertificate = (cert: Buffer): Record<string, string> => {
  try {
    const leaf = new X509Certificate(cert);
    return { subject: leaf.subject, validTo: leaf.validTo, fingerprint256: leaf.fingerprint256 };
  } catch {
    return {};
  }
};

export type TlsReload = 'reloaded' | 'unchanged' | 'invalid';

export interface TlsWatcher {
  /** Re-reads the files now; a changed, valid pair replaces the served one (`setSecureContext`). */
  reload(): Promise<TlsReload>;
  stop(): void;
}

/**
 * Re-reads the certificate and key every `intervalMs`. A changed pair that fails to load (a
 * half-written rotation, a key of another certificate) is logged and the served pair stays; the
 * next tick tries again. Open connections keep their session; new handshakes get the new pair.
 */
export const watchTlsFiles = (options: {
  server: HttpsServer;
  files: TlsFiles;
  initial: TlsMaterial;
  intervalMs: number;
  timers: Timers;
  logger: Logger;
}): TlsWatcher => {
  let served = options.initial;
  let failed: string | null = null;
  let cancel: () => void = () => undefined;
  let isStopped = false;
  const reload = async (): Promise<TlsReload> => {
    let next: TlsMaterial;
    try {
      next = await loadTlsMaterial(options.files);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== failed)
        options.logger.warn(
          { err: message },
          'TLS files changed but cannot be used; still serving the previous certificate',
        );
      failed = message;
      return 'invalid';
    }
    failed = null;
    if (next.cert.equals(served.cert) && next.key.equals(served.key)) return 'unchanged';
    options.server.setSecureContext({ cert: next.cert, key: next.key });
    served = next;
    options.logger.info(describeCertificate(next.cert), 'TLS certificate reloaded');
    return 'reloaded';
  };
  const arm = (): void => {
    cancel = options.timers.after(options.intervalMs, () => {
      reload().then(
        () => {
          if (!isStopped) arm();
        },
        () => {
          if (!isStopped) arm();
        },
      );
    });
  };
  arm();
  return {
    reload,
    stop: () => {
      isStopped = true;
      cancel();
    },
  };
};
