export { backoffDelay } from './backoff-delay.js';
export { deliverToSink } from './deliver-to-sink.js';
export type { DeliverInput, DeliveryAttempt, ThreadStore } from './deliver-to-sink.js';
export { formatEmail } from './format-email.js';
export type { EmailContent } from './format-email.js';
export { formatPagerDuty } from './format-pagerduty.js';
export { formatSlack } from './format-slack.js';
export type { SlackMessage } from './format-slack.js';
export { formatTeams } from './format-teams.js';
export { formatWebhook } from './format-webhook.js';
export { notificationSeverities, severityRank, titleOf } from './notification.js';
export type { Notification, NotificationResource, NotificationSeverity } from './notification.js';
export { createMemoryThreadStore, Notifier } from './notifier.js';
export type { DeadLetter, NotifierOptions, SinkOutcome } from './notifier.js';
export { NotifyConfigError, notifyConfigSchema, parseNotifyConfig, sinkSchema } from './notify-config.js';
export type {
  DeliveryConfig,
  NotifyConfig,
  RouteConfig,
  SinkConfig,
  SinkType,
  WatchConfig,
} from './notify-config.js';
export { redactSink, scrubSinkSecrets, sinkSecrets } from './redact-sink.js';
export { routeNotification } from './route-notification.js';
export {
  defaultToleranceSeconds,
  signatureHeader,
  signWebhook,
  timestampHeader,
  verifyWebhook,
} from './signature.js';
export type {
  SignedHeaders,
  SignWebhookInput,
  VerifyWebhookInput,
  WebhookVerification,
} from './signature.js';
export type { HttpRequest, HttpResponse, MailMessage, NotifyTransport } from './transport.js';
