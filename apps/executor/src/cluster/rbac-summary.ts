import type { RbacSummary } from '@kubently/protocol';

const writeVerbs = new Set(['create', 'update', 'patch', 'delete', 'deletecollection', '*']);
/** Every authenticated identity may create these (they ask about itself): not a write grant. */
const selfReviews = new Set([
  'selfsubjectaccessreviews.authorization.k8s.io',
  'selfsubjectrulesreviews.authorization.k8s.io',
  'selfsubjectreviews.authentication.k8s.io',
]);

interface Rule {
  readonly resource: string;
  readonly names: boolean;
  readonly verbs: readonly string[];
}

/**
 * Summarises the table `kubectl auth can-i --list` prints (columns Resources, Non-Resource URLs,
 * Resource Names, Verbs; aligned, so cells are cut at the header's column starts). Null when the
 * text is not that table.
 */
export function summarizeRbac(table: string, namespace: string): RbacSummary | null {
  const lines = table.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0] ?? '';
  const namesAt = header.indexOf('Resource Names');
  const verbsAt = header.indexOf('Verbs');
  const urlsAt = header.indexOf('Non-Resource URLs');
  if (!header.startsWith('Resources') || namesAt < 0 || verbsAt < 0 || urlsAt < 0) return null;
  const rules: Rule[] = lines.slice(1).map((line) => ({
    resource: line.slice(0, urlsAt).trim(),
    names:
      line
        .slice(namesAt, verbsAt)
        .trim()
        .replace(/^\[|\]$/g, '')
        .trim() !== '',
    verbs: line
      .slice(verbsAt)
      .trim()
      .replace(/^\[|\]$/g, '')
      .split(/\s+/)
      .filter((verb) => verb !== ''),
  }));
  const allows = (resource: string, verbs: readonly string[], anyName: boolean): boolean =>
    rules.some(
      (rule) =>
        (rule.resource === resource || rule.resource === '*.*' || rule.resource === '*') &&
        (anyName || !rule.names) &&
        rule.verbs.some((verb) => verb === '*' || verbs.includes(verb)),
    );
  return {
    namespace,
    rules: rules.length,
    canListPods: allows('pods', ['list'], false),
    canReadSecrets: allows('secrets', ['get', 'list', 'watch'], true),
    canWrite: rules.some(
      (rule) =>
        rule.resource !== '' &&
        !selfReviews.has(rule.resource) &&
        rule.verbs.some((verb) => writeVerbs.has(verb)),
    ),
    isClusterAdmin: rules.some((rule) => rule.resource === '*.*' && !rule.names && rule.verbs.includes('*')),
  };
}
