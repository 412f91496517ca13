import type { Notification } from './notification.js';
import { severityRank } from './notification.js';
import type { RouteConfig } from './notify-config.js';

const matches = (route: RouteConfig, notification: Notification): boolean =>
  (route.minSeverity === undefined ||
    severityRank[notification.severity] <= severityRank[route.minSeverity]) &&
  (route.clusters === undefined || route.clusters.includes(notification.clusterId)) &&
  (route.namespaces === undefined || route.namespaces.includes(notification.namespace)) &&
  (route.rules === undefined || route.rules.includes(notification.rule)) &&
  (route.sources === undefined || route.sources.includes(notification.source));

/**
 * The sinks a notification goes to: the union of the sinks of every route it matches (each sink
 * once, in the order first named). A route's unset field matches everything.
 */
export const routeNotification = (routes: readonly RouteConfig[], notification: Notification): string[] => {
  const sinks = new Set<string>();
  for (const route of routes) {
    if (!matches(route, notification)) continue;
    for (const sink of route.sinks) sinks.add(sink);
  }
  return [...sinks];
};
