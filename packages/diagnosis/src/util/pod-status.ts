import type { Condition, Container, ContainerStatus, Pod, PodSpec } from '../snapshot/kubernetes-types.js';

export const condition = (
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined => conditions?.find((item) => item.type === type);

export const isPodReady = (pod: Pod): boolean =>
  condition(pod.status?.conditions, 'Ready')?.status === 'True';

/** Terminal pods (Succeeded/Failed) are history, not a current outage. */
export const isTerminal = (pod: Pod): boolean =>
  pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export const containerSpec = (spec: PodSpec | undefined, name: string | undefined): Container | undefined =>
  [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].find((container) => container.name === name);

export const allContainers = (spec: PodSpec | undefined): readonly Container[] => [
  ...(spec?.initContainers ?? []),
  ...(spec?.containers ?? []),
];

export const statuses = (pod: Pod): readonly ContainerStatus[] => pod.status?.containerStatuses ?? [];

export const ageSeconds = (timestamp: string | undefined, now: number): number | undefined => {
  if (timestamp === undefined) return undefined;
  const parsed = Date.parse(timestamp);
  return Number.isNaN(parsed) ? undefined : (now - parsed) / 1000;
};

export const formatAge = (seconds: number): string => {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
};
