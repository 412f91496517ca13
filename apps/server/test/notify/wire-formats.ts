import { z } from 'zod';

/** What each receiver accepts, as its documentation describes the wire format. */

const plainText = z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(150) });
const mrkdwn = z.object({ type: z.literal('mrkdwn'), text: z.string().min(1).max(3000) });

/** Slack Block Kit message (incoming webhook body; chat.postMessage adds channel and thread_ts). */
export const slackMessageSchema = z
  .object({
    text: z.string().min(1),
    blocks: z
      .array(
        z.discriminatedUnion('type', [
          z.object({ type: z.literal('header'), text: plainText.extend({ emoji: z.boolean().optional() }) }),
          z.object({
            type: z.literal('section'),
            text: mrkdwn.optional(),
            fields: z.array(mrkdwn).max(10).optional(),
          }),
          z.object({ type: z.literal('context'), elements: z.array(mrkdwn).min(1).max(10) }),
        ]),
      )
      .min(1)
      .max(50),
    channel: z.string().optional(),
    thread_ts: z.string().optional(),
  })
  .strict();

/** Teams workflow webhook: a message envelope with one Adaptive Card attachment. */
export const teamsMessageSchema = z.object({
  type: z.literal('message'),
  attachments: z
    .array(
      z.object({
        contentType: z.literal('application/vnd.microsoft.card.adaptive'),
        contentUrl: z.null().optional(),
        content: z.object({
          $schema: z.string().optional(),
          type: z.literal('AdaptiveCard'),
          version: z.string().regex(/^1\.\d$/),
          body: z
            .array(
              z.discriminatedUnion('type', [
                z.object({ type: z.literal('TextBlock'), text: z.string() }).loose(),
                z.object({
                  type: z.literal('FactSet'),
                  facts: z.array(z.object({ title: z.string(), value: z.string() })),
                }),
              ]),
            )
            .min(1),
        }),
      }),
    )
    .length(1),
});

/** PagerDuty Events API v2. */
export const pagerDutyEventSchema = z.discriminatedUnion('event_action', [
  z
    .object({
      routing_key: z.string().min(1),
      event_action: z.literal('trigger'),
      dedup_key: z.string().min(1).max(255),
      payload: z
        .object({
          summary: z.string().min(1).max(1024),
          source: z.string().min(1),
          severity: z.enum(['critical', 'error', 'warning', 'info']),
          timestamp: z.string().optional(),
          component: z.string().optional(),
          group: z.string().optional(),
          class: z.string().optional(),
          custom_details: z.record(z.string(), z.unknown()).optional(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      routing_key: z.string().min(1),
      event_action: z.literal('resolve'),
      dedup_key: z.string().min(1),
    })
    .strict(),
]);

/** The generic webhook body (docs/notifications.md). */
export const kubentlyWebhookSchema = z.object({
  schema: z.literal('kubently.notification/v1'),
  event: z.enum(['trigger', 'resolve']),
  fingerprint: z.string(),
  title: z.string(),
  source: z.enum(['watch', 'alertmanager']),
  severity: z.enum(['critical', 'warning', 'info']),
  clusterId: z.string(),
  namespace: z.string(),
  rule: z.string(),
  resource: z.object({ kind: z.string(), namespace: z.string(), name: z.string() }),
  summary: z.string(),
  rootCause: z.string(),
  remediation: z.string(),
  evidence: z.array(z.string()),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  resolvedAt: z.string().nullable(),
  occurrences: z.number().int(),
  threadKey: z.string().optional(),
  details: z.string().optional(),
});

export const jsonOf = <T>(schema: z.ZodType<T>, text: string): T => schema.parse(JSON.parse(text));
