import type { LabelSelector, StringMap } from '../snapshot/kubernetes-types.js';

/** Kubernetes label-selector semantics; an empty selector (`{}`) matches everything. */
export const matchesSelector = (
  selector: LabelSelector | undefined,
  labels: StringMap | undefined,
): boolean => {
  if (selector === undefined) return false;
  const actual = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (actual[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const key = requirement.key ?? '';
    const present = Object.hasOwn(actual, key);
    const value = actual[key];
    const values = requirement.values ?? [];
    const operator = requirement.operator ?? '';
    if (operator === 'In') {
      if (value === undefined || !values.includes(value)) return false;
    } else if (operator === 'NotIn') {
      if (value !== undefined && values.includes(value)) return false;
    } else if (operator === 'Exists') {
      if (!present) return false;
    } else if (operator === 'DoesNotExist') {
      if (present) return false;
    } else {
      return false;
    }
  }
  return true;
};

/** A Service-style selector (plain map); an empty map selects nothing, as for Services. */
export const matchesMap = (selector: StringMap | undefined, labels: StringMap | undefined): boolean => {
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  const actual = labels ?? {};
  return Object.entries(selector).every(([key, value]) => actual[key] === value);
};

export const formatSelector = (selector: LabelSelector | StringMap | undefined): string => {
  if (selector === undefined) return '<none>';
  const isLabelSelector = 'matchLabels' in selector || 'matchExpressions' in selector;
  const labels: StringMap = isLabelSelector
    ? ((selector as LabelSelector).matchLabels ?? {})
    : (selector as StringMap);
  const parts = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
  if (isLabelSelector) {
    for (const requirement of (selector as LabelSelector).matchExpressions ?? []) {
      parts.push(
        `${requirement.key ?? ''} ${requirement.operator ?? ''} (${(requirement.values ?? []).join(',')})`,
      );
    }
  }
  return parts.length === 0 ? '<all pods>' : parts.join(',');
};
