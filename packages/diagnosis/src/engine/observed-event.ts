import type { ResourceRef } from '../model/finding.js';
import type { KubeEvent } from '../snapshot/kubernetes-types.js';

/** One event normalized from core/v1 or events.k8s.io/v1, aggregated by reason and message. */
export interface ObservedEvent {
  readonly object: ResourceRef;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly count: number;
  readonly lastSeen: string;
  readonly source: string;
}

export const normalizeEvent = (event: KubeEvent): ObservedEvent | undefined => {
  const about = event.involvedObject ?? event.regarding;
  if (about?.kind === undefined || about.name === undefined) return undefined;
  const lastSeen =
    event.series?.lastObservedTime ??
    event.lastTimestamp ??
    event.deprecatedLastTimestamp ??
    event.eventTime ??
    event.metadata?.creationTimestamp ??
    '';
  return {
    object: {
      kind: about.kind,
      namespace: about.namespace ?? event.metadata?.namespace ?? '',
      name: about.name,
    },
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? event.note ?? '',
    count: Math.max(1, event.series?.count ?? event.count ?? event.deprecatedCount ?? 1),
    lastSeen,
    source: event.source?.component ?? event.reportingController ?? '',
  };
};

/**
 * Merges distinct events of one object with the same type, reason and message, summing counts and
 * keeping the latest time; newest first.
 */
export const aggregateEvents = (events: readonly ObservedEvent[]): ObservedEvent[] => {
  const merged = new Map<string, ObservedEvent>();
  for (const event of events) {
    const key = `${event.type}\u0000${event.reason}\u0000${event.message}`;
    const previous = merged.get(key);
    if (previous === undefined) {
      merged.set(key, event);
    } else {
      merged.set(key, {
        ...previous,
        count: previous.count + event.count,
        lastSeen: previous.lastSeen > event.lastSeen ? previous.lastSeen : event.lastSeen,
      });
    }
  }
  return [...merged.values()].sort((left, right) =>
    left.lastSeen < right.lastSeen ? 1 : left.lastSeen > right.lastSeen ? -1 : 0,
  );
};
