import type { NotifyConfig, NotifyTransport } from '@kubently/notify';

import type { DiagnosisService } from '../diagnosis/diagnosis-service.js';
import { createNotifyTransport } from '../notify/create-notify-transport.js';
import { NotificationService } from '../notify/notification-service.js';
import type { StateStore } from '../state/state-store.js';
import type { Clock } from '../support/clock.js';
import type { IdGenerator } from '../support/ids.js';
import type { Logger } from '../support/logger.js';
import type { Timers } from '../support/timers.js';
import { WatchLoop } from './watch-loop.js';

export interface Notifications {
  /** Null without sinks. */
  readonly service: NotificationService | null;
  /** Null without watch targets. */
  readonly watch: WatchLoop | null;
  close(): Promise<void>;
}

export interface CreateNotificationsOptions {
  readonly config: NotifyConfig | null;
  readonly transport?: NotifyTransport | undefined;
  readonly state: StateStore;
  readonly diagnosis: DiagnosisService;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

/**
 * The watch identity of a cluster: its commands are policy-checked and audited as this operator,
 * and its in-flight slots are its own, so one busy cluster cannot starve another's checks.
 */
export const watchCallerOf = (clusterId: string) => ({
  identity: `kubently:watch:${clusterId}`,
  role: 'operator' as const,
});

/** Builds the notification service and starts the watch loop when KUBENTLY_NOTIFY_CONFIG asks. */
export const createNotifications = (options: CreateNotificationsOptions): Notifications => {
  const { config, logger } = options;
  if (config === null) return { service: null, watch: null, close: () => Promise.resolve() };
  const service =
    config.sinks.length === 0
      ? null
      : new NotificationService({
          config,
          transport: options.transport ?? createNotifyTransport(),
          history: options.state.findings,
          clock: options.clock,
          timers: options.timers,
          logger,
        });
  const watch =
    config.watch.targets.length === 0
      ? null
      : new WatchLoop({
          targets: config.watch.targets.map((target) => ({
            clusterId: target.cluster,
            namespaces: target.namespaces,
            intervalMs: (target.intervalSeconds ?? config.watch.intervalSeconds) * 1000,
          })),
          diagnose: async (input) =>
            (
              await options.diagnosis.diagnose({
                clusterId: input.clusterId,
                namespaces: input.namespaces,
                caller: watchCallerOf(input.clusterId),
                correlationId: input.correlationId,
                signal: input.signal,
              })
            ).report,
          history: options.state.findings,
          notify: (notification) => service?.send(notification) ?? Promise.resolve([]),
          clock: options.clock,
          timers: options.timers,
          logger,
          holder: options.ids.next(),
          flapWindowMs: config.flapWindowSeconds * 1000,
          jitter: config.watch.jitter,
          ids: () => options.ids.next(),
        });
  logger.info(
    {
      sinks: service?.describeSinks() ?? [],
      routes: config.routes.length,
      watch: config.watch.targets.map((target) => ({
        cluster: target.cluster,
        namespaces: target.namespaces ?? 'all',
        intervalSeconds: target.intervalSeconds ?? config.watch.intervalSeconds,
      })),
    },
    'notifications configured',
  );
  watch?.start();
  return {
    service,
    watch,
    close: async () => {
      const stopped = watch?.close();
      service?.close();
      await stopped;
    },
  };
};
