/** The subset of kwok's `kwok.x-k8s.io/v1alpha1` Stage this testbed writes. */
export interface StageEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export type StageStep =
  | {
      readonly patch: {
        readonly root: 'status';
        readonly subresource: 'status';
        readonly type: 'strategic' | 'merge';
        readonly template: string;
      };
    }
  | { readonly event: StageEvent }
  | { readonly delete: true };

export interface Stage {
  readonly apiVersion: 'kwok.x-k8s.io/v1alpha1';
  readonly kind: 'Stage';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly resourceRef: { readonly apiGroup: 'v1'; readonly kind: 'Pod' | 'Node' };
    readonly selector: {
      readonly matchExpressions: readonly {
        readonly jq: { readonly key: string; readonly operator: 'In'; readonly values: readonly string[] };
      }[];
    };
    readonly delay?: { readonly durationMilliseconds: number; readonly jitterDurationMilliseconds?: number };
    readonly weight: number;
    readonly steps: readonly StageStep[];
  };
}

export interface StageInput {
  readonly name: string;
  readonly kind: 'Pod' | 'Node';
  /** jq boolean expressions over the object (`$pod` bound to it); all must hold. */
  readonly when: readonly string[];
  readonly delayMs?: number;
  readonly jitterMs?: number;
  /** Events are recorded before the status patch, as kubelet reports the cause before the state. */
  readonly events?: readonly StageEvent[];
  readonly statusTemplate?: string;
  readonly delete?: boolean;
}

export function stage(input: StageInput): Stage {
  const steps: StageStep[] = [];
  for (const event of input.events ?? []) steps.push({ event });
  if (input.statusTemplate !== undefined) {
    steps.push({
      patch: { root: 'status', subresource: 'status', type: 'strategic', template: input.statusTemplate },
    });
  }
  if (input.delete === true) steps.push({ delete: true });
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name: input.name },
    spec: {
      resourceRef: { apiGroup: 'v1', kind: input.kind },
      selector: {
        matchExpressions: input.when.map((expression) => ({
          jq: { key: `. as $pod | ${expression}`, operator: 'In' as const, values: ['true'] },
        })),
      },
      ...(input.delayMs === undefined
        ? {}
        : {
            delay: {
              durationMilliseconds: input.delayMs,
              ...(input.jitterMs === undefined ? {} : { jitterDurationMilliseconds: input.jitterMs }),
            },
          }),
      weight: 1,
      steps,
    },
  };
}
