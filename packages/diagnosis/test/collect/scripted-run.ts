import { snapshotSources } from '../../src/index.js';
import type { KubectlOutcome, KubectlRun } from '../../src/index.js';

/** A kubectl answer, or a function of the argv and signal that produces one. */
export type Script =
  KubectlOutcome | ((args: readonly string[], signal: AbortSignal) => Promise<KubectlOutcome>);

export const ok = (stdout: string): KubectlOutcome => ({
  type: 'result',
  exitCode: 0,
  stdout,
  stderr: '',
  truncated: false,
});

export const kubectlError = (stderr: string, exitCode = 1): KubectlOutcome => ({
  type: 'result',
  exitCode,
  stdout: '',
  stderr,
  truncated: false,
});

export const truncated = (stdout: string): KubectlOutcome => ({
  type: 'result',
  exitCode: 0,
  stdout,
  stderr: '',
  truncated: true,
});

/** A `kubectl get <resource> -o json` list holding `items`. */
export const list = (items: readonly unknown[]): KubectlOutcome =>
  ok(JSON.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, null, 4));

/** What the API server puts in apiVersion and kind for objects of `resource`. */
const typeOf = (resource: string): { apiVersion: string; kind: string } => {
  const source = snapshotSources.find((candidate) => candidate.resource === resource);
  return {
    apiVersion: source === undefined || source.group === '' ? 'v1' : `${source.group}/v1`,
    kind: source?.objectKind ?? 'Unknown',
  };
};

const object = (
  resource: string,
  namespace: string | undefined,
  name: string,
  extra: object = {},
): unknown => ({
  ...typeOf(resource),
  metadata: {
    name,
    uid: `${resource}/${namespace ?? ''}/${name}`,
    ...(namespace === undefined ? {} : { namespace }),
  },
  ...extra,
});

/** The namespace or scope of an argv built by the collector. */
const namespaceOf = (args: readonly string[]): string | undefined => {
  const index = args.indexOf('-n');
  return index === -1 ? undefined : args[index + 1];
};

/**
 * Answers every list the collector asks for with one object per namespace (`shop` and `web`
 * cluster-wide, or the namespace asked for), unless `scripts` has an answer for the argv (keyed
 * by the argv joined with spaces). Records every call and the most commands in flight at once.
 */
export const scriptedRun = (scripts: Readonly<Record<string, Script>> = {}) => {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const run: KubectlRun = async (args, signal) => {
    const key = args.join(' ');
    calls.push(key);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      // Yield so that concurrent calls overlap as they would with a real runner.
      await new Promise((resolve) => setTimeout(resolve, 1));
      signal.throwIfAborted();
      const script = scripts[key];
      if (script !== undefined) return typeof script === 'function' ? await script(args, signal) : script;
      if (key === 'get namespaces -o name') return ok('namespace/shop\nnamespace/web\n');
      const namespace = namespaceOf(args);
      const clusterScoped = !args.includes('-A') && namespace === undefined;
      const namespaces = clusterScoped
        ? [undefined]
        : namespace === undefined
          ? ['shop', 'web']
          : [namespace];
      // `get a,b,c` lists several resources at once, as kubectl does.
      const items = (args[1] ?? '').split(',').flatMap((resource) => {
        const extra =
          resource === 'secrets'
            ? { type: 'Opaque', data: { password: 'aHVudGVyMg==' } }
            : resource === 'configmaps'
              ? { data: { 'app.conf': 'listen 8080' } }
              : {};
        return namespaces.map((ns) => object(resource, ns, `${resource.split('.')[0] ?? ''}-1`, extra));
      });
      return list(items);
    } finally {
      inFlight -= 1;
    }
  };
  return {
    run,
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
  };
};
