import type { ObservedEvent } from '../engine/observed-event.js';
import type { Evidence, ResourceRef } from '../model/finding.js';
import { kubectlDescribe, kubectlEvents, kubectlField } from './kubectl.js';
import { oneLine } from './text.js';

/** `status.conditions[Ready]` → a jsonpath filter on type; `containers[app]` → a filter on name. */
const jsonPathOf = (path: string): string =>
  path
    .replace(/conditions\[([^\]]+)\]/g, 'conditions[?(@.type=="$1")]')
    .replace(/\[([A-Za-z][^\]?]*)\]/g, '[?(@.name=="$1")]');

export const fieldEvidence = (
  object: ResourceRef,
  path: string,
  value: string,
  command?: string,
): Evidence => ({
  type: 'field',
  object,
  path,
  value: oneLine(value, 500),
  command: command ?? kubectlField(object, jsonPathOf(path)),
});

export const eventEvidence = (event: ObservedEvent, command?: string): Evidence => ({
  type: 'event',
  object: event.object,
  reason: event.reason,
  message: oneLine(event.message, 500),
  count: event.count,
  lastSeen: event.lastSeen,
  command:
    command ?? (event.object.kind === 'Pod' ? kubectlDescribe(event.object) : kubectlEvents(event.object)),
});

export const absenceEvidence = (object: ResourceRef, detail: string, command: string): Evidence => ({
  type: 'absence',
  object,
  detail,
  command,
});
