export { createNotifyTransport } from './create-notify-transport.js';
export { notificationOf } from './notification-of.js';
export { NotificationService } from './notification-service.js';
export type { NotificationServiceOptions } from './notification-service.js';
