import type { SinkConfig } from './notify-config.js';

export interface HttpRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The exact bytes sent (signatures cover them). */
  readonly body: string;
  readonly timeoutMs: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

export interface MailMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** Mail headers that thread messages of one finding (Message-ID / In-Reply-To / References). */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/**
 * How notifications leave the process: the server implements it with fetch and an SMTP client;
 * packages never do I/O themselves. Both reject on network failure (retried) and resolve with the
 * receiver's answer otherwise.
 */
export interface NotifyTransport {
  post(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse>;
  sendMail(
    sink: Extract<SinkConfig, { type: 'email' }>,
    message: MailMessage,
    signal: AbortSignal,
  ): Promise<void>;
}
