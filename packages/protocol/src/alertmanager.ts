import { z } from 'zod';

const labels = z.record(z.string(), z.string());

/** One alert of Alertmanager's webhook payload (version 4). */
export const alertmanagerAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: labels.default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().regex(/^[A-Za-z0-9]{1,64}$/, "fingerprint must be Alertmanager's hex fingerprint"),
});
export type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>;

/** `POST /v1/webhooks/alertmanager`: Alertmanager's webhook_config payload, version "4". */
export const alertmanagerPayloadSchema = z.object({
  version: z.literal('4', { error: 'version must be "4" (Alertmanager\'s webhook payload version)' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labels.default({}),
  commonLabels: labels.default({}),
  commonAnnotations: labels.default({}),
  externalURL: z.string().optional(),
  alerts: z.array(alertmanagerAlertSchema).max(100, 'at most 100 alerts per webhook; lower max_alerts'),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;
