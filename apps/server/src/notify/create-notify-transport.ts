import { readFile } from 'node:fs/promises';

import { createTransport } from 'nodemailer';
import type { NotifyTransport } from '@kubently/notify';

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
    return { status: response.status, body: await response.text() };
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
