const maxLength = 160;

function record(value: unknown): Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Shell-style quoting, only where a word would otherwise read ambiguously. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

function namespaceSuffix(namespace: string | undefined, args: readonly string[] = []): string {
  if (namespace === undefined) return '';
  const named = args.some(
    (arg) => arg === '-n' || arg === '--namespace' || arg.startsWith('--namespace=') || arg === '-A',
  );
  return named ? '' : ` -n ${quote(namespace)}`;
}

function clusterSuffix(clusterId: string | undefined): string {
  return clusterId === undefined ? '' : ` (cluster ${clusterId})`;
}

function clip(line: string): string {
  const single = line.replace(/\s+/g, ' ').trim();
  return single.length > maxLength ? `${single.slice(0, maxLength - 1)}…` : single;
}

/**
 * One line saying what a tool call does, as a person would type it where there is an equivalent
 * (`kubectl get pods -n shop`); other tools show their name and arguments.
 */
export function describeToolCall(tool: string, rawArgs: unknown): string {
  const args = record(rawArgs);
  const namespace = text(args['namespace']);
  const cluster = clusterSuffix(text(args['clusterId']));
  switch (tool) {
    case 'execute_kubectl': {
      const argv = Array.isArray(args['args'])
        ? args['args'].filter((arg): arg is string => typeof arg === 'string')
        : [];
      return clip(`kubectl ${argv.map(quote).join(' ')}${namespaceSuffix(namespace, argv)}${cluster}`);
    }
    case 'get_events':
      return clip(
        `events for ${text(args['kind']) ?? '?'}/${text(args['name']) ?? '?'}${namespaceSuffix(namespace)} and its owners${cluster}`,
      );
    case 'diagnose':
      return clip(
        `diagnose${namespace === undefined ? ' all namespaces' : ` namespace ${namespace}`}${cluster}`,
      );
    case 'search_logs':
      return clip(
        `search logs of pod/${text(args['pod']) ?? '?'}${namespaceSuffix(namespace)} for ${JSON.stringify(args['query'] ?? '')}${cluster}`,
      );
    case 'list_clusters':
      return 'list clusters';
    default: {
      const shown = Object.keys(args).length === 0 ? '' : ` ${JSON.stringify(rawArgs)}`;
      return clip(`${tool}${shown}`);
    }
  }
}
