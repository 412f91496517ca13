import { z } from 'zod';

export const scenarioCategories = [
  'image-pull',
  'crash-loop',
  'oom',
  'config',
  'probe',
  'init-container',
  'scheduling',
  'storage',
  'quota',
  'service-account',
  'service',
  'ingress',
  'network-policy',
  'autoscaling',
  'job',
  'cronjob',
  'rollout',
  'node',
  'none',
] as const;

export type ScenarioCategory = (typeof scenarioCategories)[number];

const labelSelector = z.string().min(1);

/** A symptom the testbed must reproduce; the e2e suite checks each one with the real kubectl. */
export const symptomSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('pod-status'),
    /** Label selector of the pods; at least one must show `status` in `kubectl get pods`. */
    selector: labelSelector,
    /** STATUS column value; `A|B` accepts either (states a kubelet alternates between). */
    status: z.string().min(1),
  }),
  z.object({
    type: z.literal('describe'),
    /** `kubectl describe <resource> -l <selector>` (or `<kind>/<name>` without selector) must include `includes`. */
    resource: z.string().min(1),
    selector: labelSelector.optional(),
    includes: z.string().min(1),
  }),
  z.object({
    type: z.literal('event'),
    reason: z.string().min(1),
    messageIncludes: z.string().min(1).optional(),
    involvedKind: z.string().min(1).optional(),
  }),
  z.object({
    type: z.literal('pod-json'),
    /** `kubectl get pods -l <selector> -o json` must include `includes` (container status messages). */
    selector: labelSelector,
    includes: z.string().min(1),
  }),
  z.object({
    type: z.literal('log'),
    selector: labelSelector,
    container: z.string().min(1),
    includes: z.string().min(1),
    previous: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('jsonpath'),
    /** `kind/name` as kubectl takes it; cluster-scoped kinds ignore the namespace. */
    resource: z.string().regex(/^[a-z.]+\/[a-z0-9.-]+$/),
    jsonpath: z.string().startsWith('{'),
    equals: z.string(),
  }),
  z.object({
    type: z.literal('note'),
    /** A symptom the testbed cannot show (no data plane); documentation only. */
    text: z.string().min(1),
  }),
]);

export type Symptom = z.infer<typeof symptomSchema>;

export const expectedSchema = z.object({
  culprit: z
    .object({
      kind: z.string().min(1),
      namespace: z.string(),
      name: z.string().min(1),
    })
    .nullable(),
  category: z.enum(scenarioCategories),
  symptoms: z.array(symptomSchema),
});

export type ScenarioExpectation = z.infer<typeof expectedSchema>;
