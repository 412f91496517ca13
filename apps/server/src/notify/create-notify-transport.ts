import { readFile } from 'node:fs/promises';

import { createTransport } from 'nodemailer';
import type { NotifyTransport } from '@kubently/notify';

/** A sink's answer is read for its error message only; a receiver cannot make us hold more. */
const maxAnswerBytes = 64 * 1024;

const readCapped = async (response: Response, limit: number): Promise<string> => {
  if (response.body === null) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> =
    response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  while (bytes < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
};

/**
 * The real transport: fetch for the HTTP sinks, nodemailer for SMTP (STARTTLS required unless the
 * sink asks for implicit TLS). Certificates are always verified; `caFile` adds a private CA.
 */
export const createNotifyTransport = (): NotifyTransport => ({
  post: async (request, signal) => {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.any([signal, AbortSignal.timeout(request.timeoutMs)]),
      redirect: 'error',
    });
    return { status: response.status, body: await readCapped(response, maxAnswerBytes) };
  },
  sendMail: async (sink, message, signal) => {
    const ca = sink.caFile === undefined ? undefined : await readFile(sink.caFile, 'utf8');
    const transport = createTransport({
      host: sink.host,
      port: sink.port,
      secure: sink.security === 'tls',
      requireTLS: sink.security === 'starttls',
      ...(sink.username === undefined || sink.password === undefined
        ? {}
        : { auth: { user: sink.username, pass: sink.password } }),
      tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(ca === undefined ? {} : { ca }) },
      connectionTimeout: message.timeoutMs,
      greetingTimeout: message.timeoutMs,
      socketTimeout: message.timeoutMs,
    });
    const onAbort = (): void => {
      transport.close();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await transport.sendMail({
        from: sink.from,
        to: [...message.to],
        subject: message.subject,
        text: message.text,
        headers: { ...message.headers },
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
      transport.close();
    }
  },
});
