/**
 * How the "beside k8sgpt" benchmark scores both tools, with one rule for both (see
 * docs/benchmarks.md, "Diagnosis beside k8sgpt"). Each tool's output is reduced to items (what a
 * reader sees at top level: Kubently's root causes, k8sgpt's results); an item names a scenario's
 * root cause when it points at the culprit of the scenario's expected.json, which was written from
 * the cluster's point of view without either tool's wording.
 */
import type { ClusterSnapshot, KubeObject } from '@kubently/diagnosis';
import { z } from 'zod';

export interface ObjectRef {
  readonly kind: string;
  /** "" for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

/** One top-level entry of a tool's output. */
export interface Item {
  readonly object: ObjectRef;
  /** What the tool says about it (Kubently: summary and root cause; k8sgpt: its error texts). */
  readonly text: string;
  /** Objects the tool itself says the item covers (Kubently's `affected`; k8sgpt has none). */
  readonly covers: readonly ObjectRef[];
}

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet']);

const same = (left: ObjectRef, right: ObjectRef): boolean =>
  left.kind === right.kind && left.namespace === right.namespace && left.name === right.name;

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Controller owners and pod placement read from the live cluster, for rules 2 and the Node rule. */
export class ClusterIndex {
  readonly #owner = new Map<string, ObjectRef>();
  readonly #nodesOfNamespace = new Map<string, Set<string>>();

  constructor(snapshot: ClusterSnapshot) {
    const add = (kind: string, items: readonly KubeObject[] | undefined): void => {
      for (const item of items ?? []) {
        const owner = item.metadata?.ownerReferences?.find((reference) => reference.controller === true);
        if (owner?.kind === undefined || owner.name === undefined) continue;
        const namespace = item.metadata?.namespace ?? '';
        this.#owner.set(`${kind}/${namespace}/${item.metadata?.name ?? ''}`, {
          kind: owner.kind,
          namespace,
          name: owner.name,
        });
      }
    };
    add('Pod', snapshot.pods);
    add('ReplicaSet', snapshot.replicasets);
    add('Job', snapshot.jobs);
    for (const pod of snapshot.pods ?? []) {
      const namespace = pod.metadata?.namespace ?? '';
      const node = pod.spec?.nodeName;
      if (node === undefined) continue;
      const set = this.#nodesOfNamespace.get(namespace) ?? new Set<string>();
      set.add(node);
      this.#nodesOfNamespace.set(namespace, set);
    }
  }

  /** The object and its controllers up the chain (Pod → ReplicaSet → Deployment). */
  chain(object: ObjectRef): ObjectRef[] {
    const result = [object];
    let current: ObjectRef | undefined = object;
    for (let depth = 0; depth < 4 && current !== undefined; depth += 1) {
      current = this.#owner.get(`${current.kind}/${current.namespace}/${current.name}`);
      if (current !== undefined) result.push(current);
    }
    return result;
  }

  hostsPodOf(node: string, namespace: string): boolean {
    return this.#nodesOfNamespace.get(namespace)?.has(node) === true;
  }
}

/**
 * An item belongs to namespace X when its object is in X, when the tool says it covers an object
 * in X, or when it is a Node that runs a pod of X.
 */
export const belongsTo = (item: Item, namespace: string, index: ClusterIndex): boolean =>
  item.object.namespace === namespace ||
  item.covers.some((object) => object.namespace === namespace) ||
  (item.object.kind === 'Node' && index.hostsPodOf(item.object.name, namespace));

/**
 * An item names the culprit when (1) its object is the culprit; (2) the culprit is a workload and
 * the item's object is one of its pods, ReplicaSets or Jobs (found through controller owner
 * references in the live cluster); or (3) the culprit is not a workload (a ConfigMap, a Service, a
 * Node...) and the item's text names it by its name as a whole word, on an object of its namespace.
 */
export const namesCulprit = (item: Item, culprit: ObjectRef, index: ClusterIndex): boolean => {
  if (same(item.object, culprit)) return true;
  if (workloadKinds.has(culprit.kind))
    return index.chain(item.object).some((object) => same(object, culprit));
  if (item.object.namespace !== culprit.namespace && culprit.namespace !== '') return false;
  return new RegExp(`(^|[^A-Za-z0-9_.-])${escape(culprit.name)}($|[^A-Za-z0-9_-])`).test(item.text);
};

export interface Score {
  /** Some item of the namespace names the culprit. */
  readonly found: boolean;
  /** The first item of the namespace, in the tool's output order, names the culprit. */
  readonly first: boolean;
  readonly items: number;
  /** Items of the namespace that do not name the culprit. */
  readonly noise: number;
}

export const score = (
  items: readonly Item[],
  namespace: string,
  culprit: ObjectRef | null,
  index: ClusterIndex,
): Score => {
  const mine = items.filter((item) => belongsTo(item, namespace, index));
  const hits = mine.map((item) => culprit !== null && namesCulprit(item, culprit, index));
  return {
    found: hits.some(Boolean),
    first: hits[0] === true,
    items: mine.length,
    noise: hits.filter((hit) => !hit).length,
  };
};

/** `k8sgpt analyze -o json` (no AI backend), parsed at the boundary. */
export const k8sgptOutputSchema = z.object({
  status: z.string(),
  problems: z.number(),
  results: z
    .array(
      z.object({
        kind: z.string(),
        name: z.string(),
        error: z.array(z.object({ Text: z.string() })).nullable(),
        parentObject: z.string().optional(),
      }),
    )
    .nullable(),
});

export const k8sgptItems = (output: z.infer<typeof k8sgptOutputSchema>): Item[] =>
  (output.results ?? []).map((result) => {
    const slash = result.name.indexOf('/');
    return {
      object: {
        kind: result.kind,
        namespace: slash === -1 ? '' : result.name.slice(0, slash),
        name: slash === -1 ? result.name : result.name.slice(slash + 1),
      },
      text: (result.error ?? []).map((failure) => failure.Text).join('\n'),
      covers: [],
    };
  });
