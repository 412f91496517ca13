import { z } from 'zod';

import { formatEmail } from './format-email.js';
import { formatPagerDuty } from './format-pagerduty.js';
import { formatSlack } from './format-slack.js';
import { formatTeams } from './format-teams.js';
import { formatWebhook } from './format-webhook.js';
import type { Notification } from './notification.js';
import type { SinkConfig } from './notify-config.js';
import { signWebhook } from './signature.js';
import type { HttpResponse, NotifyTransport } from './transport.js';

/** Where the first message of a thread landed, so replies can join it (Slack `thread_ts`). */
export interface ThreadStore {
  get(sink: string, threadKey: string): string | undefined;
  set(sink: string, threadKey: string, threadId: string): void;
}

export type DeliveryAttempt =
  { readonly ok: true } | { readonly ok: false; readonly isRetryable: boolean; readonly message: string };

export interface DeliverInput {
  readonly sink: SinkConfig;
  readonly notification: Notification;
  readonly transport: NotifyTransport;
  readonly threads: ThreadStore;
  /** Unix seconds, for the webhook signature. */
  readonly nowSeconds: number;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

const slackApiAnswer = z.object({ ok: z.boolean(), ts: z.string().optional(), error: z.string().optional() });

/** 429 and 5xx are worth another try; any other non-2xx will fail the same way again. */
const fromStatus = (response: HttpResponse, what: string): DeliveryAttempt => {
  if (response.status >= 200 && response.status < 300) return { ok: true };
  return {
    ok: false,
    isRetryable: response.status === 429 || response.status >= 500 || response.status === 408,
    // The whole (transport-capped) body: the notifier scrubs sink secrets first, then shortens.
    message: `${what} answered HTTP ${response.status}: ${response.body}`,
  };
};

const json = { 'Content-Type': 'application/json; charset=utf-8' };

/** One attempt to deliver one notification to one sink, in that sink's wire format. */
export const deliverToSink = async (input: DeliverInput): Promise<DeliveryAttempt> => {
  const { sink, notification, transport, signal, timeoutMs } = input;
  const threadKey = notification.threadKey ?? notification.fingerprint;
  switch (sink.type) {
    case 'webhook': {
      const body = formatWebhook(notification);
      const signed = signWebhook({ secret: sink.secret, body, timestamp: input.nowSeconds });
      const response = await transport.post(
        { url: sink.url, headers: { ...sink.headers, ...json, ...signed }, body, timeoutMs },
        signal,
      );
      return fromStatus(response, 'the webhook');
    }
    case 'slack': {
      const message = formatSlack(notification);
      if (sink.webhookUrl !== undefined) {
        const response = await transport.post(
          { url: sink.webhookUrl, headers: json, body: JSON.stringify(message), timeoutMs },
          signal,
        );
        return fromStatus(response, 'the Slack webhook');
      }
      const thread = input.threads.get(sink.name, threadKey);
      const response = await transport.post(
        {
          url: `${sink.apiUrl.replace(/\/$/, '')}/chat.postMessage`,
          headers: { ...json, Authorization: `Bearer ${sink.botToken ?? ''}` },
          body: JSON.stringify({
            channel: sink.channel,
            ...message,
            ...(thread === undefined ? {} : { thread_ts: thread }),
          }),
          timeoutMs,
        },
        signal,
      );
      const status = fromStatus(response, 'Slack chat.postMessage');
      if (!status.ok) return status;
      let parsed;
      try {
        parsed = slackApiAnswer.safeParse(JSON.parse(response.body));
      } catch {
        parsed = undefined;
      }
      if (parsed?.success !== true) {
        return {
          ok: false,
          isRetryable: true,
          message: 'Slack chat.postMessage answered something that is not its JSON',
        };
      }
      if (!parsed.data.ok) {
        const error = parsed.data.error ?? 'unknown';
        return {
          ok: false,
          isRetryable:
            error === 'ratelimited' || error === 'internal_error' || error === 'service_unavailable',
          message: `Slack chat.postMessage refused: ${error}`,
        };
      }
      if (thread === undefined && parsed.data.ts !== undefined)
        input.threads.set(sink.name, threadKey, parsed.data.ts);
      return { ok: true };
    }
    case 'teams': {
      const response = await transport.post(
        { url: sink.url, headers: json, body: JSON.stringify(formatTeams(notification)), timeoutMs },
        signal,
      );
      return fromStatus(response, 'the Teams workflow');
    }
    case 'pagerduty': {
      const response = await transport.post(
        {
          url: sink.url,
          headers: json,
          body: JSON.stringify(formatPagerDuty(notification, sink.routingKey)),
          timeoutMs,
        },
        signal,
      );
      return fromStatus(response, 'PagerDuty');
    }
    case 'email': {
      const content = formatEmail(notification);
      const root = `<${threadKey}@kubently>`;
      const headers: Record<string, string> =
        notification.event === 'trigger' &&
        notification.occurrences <= 1 &&
        notification.threadKey === undefined
          ? { 'Message-ID': root }
          : { 'In-Reply-To': root, References: root };
      await transport.sendMail(
        sink,
        { from: sink.from, to: sink.to, ...content, headers, timeoutMs },
        signal,
      );
      return { ok: true };
    }
  }
};
