import type { DiagnosisContext } from '../engine/diagnosis-context.js';
import type { FindingDraft, ResourceRef } from '../model/finding.js';
import type { Container, PodSpec } from '../snapshot/kubernetes-types.js';
import { fieldEvidence } from '../util/evidence.js';
import { kubectlField } from '../util/kubectl.js';
import { listNames } from '../util/text.js';

/** A workload's pod spec, and the JSON path to it in the workload's own object. */
export interface PostureTemplate {
  readonly workload: ResourceRef;
  readonly spec: PodSpec;
  /** `spec.template.spec`, `spec.jobTemplate.spec.template.spec` or `spec` (a bare pod). */
  readonly specPath: string;
  /** App and init containers, in that order, each with the list it is in. */
  readonly containers: readonly PostureContainer[];
}

export interface PostureContainer {
  readonly container: Container;
  readonly name: string;
  readonly list: 'containers' | 'initContainers';
}

const entry = (container: Container, list: PostureContainer['list']): PostureContainer => ({
  container,
  name: container.name ?? '',
  list,
});

const specPathOf = (kind: string): string => {
  switch (kind) {
    case 'Pod':
      return 'spec';
    case 'CronJob':
      return 'spec.jobTemplate.spec.template.spec';
    default:
      return 'spec.template.spec';
  }
};

/**
 * Every pod template of the snapshot's visible namespaces (Deployments, StatefulSets, DaemonSets,
 * CronJobs, controller-less ReplicaSets and Jobs, bare pods), so a weakness is reported once per
 * workload and before any pod exists.
 */
export const postureTemplates = (context: DiagnosisContext): PostureTemplate[] =>
  context
    .workloadTemplates()
    .filter(({ workload }) => context.sees(workload.namespace))
    .flatMap(({ workload, template }) => {
      const spec = template.spec;
      if (spec === undefined) return [];
      return [
        {
          workload,
          spec,
          specPath: specPathOf(workload.kind),
          containers: [
            ...(spec.containers ?? []).map((container) => entry(container, 'containers')),
            ...(spec.initContainers ?? []).map((container) => entry(container, 'initContainers')),
          ],
        },
      ];
    });

/** `kubectl get <workload> -o jsonpath='{.<spec path>.<field>}'`: shows the field in the live object. */
export const postureCommand = (template: PostureTemplate, field: string): string =>
  kubectlField(template.workload, `${template.specPath}.${field}`);

/** `containers[app]`-style evidence of one field per offending container (at most three). */
export const containerEvidence = (
  template: PostureTemplate,
  items: readonly { readonly container: PostureContainer; readonly field: string; readonly value: string }[],
): FindingDraft['evidence'] =>
  items
    .slice(0, 3)
    .map(({ container, field, value }) =>
      fieldEvidence(
        template.workload,
        `${template.specPath}.${container.list}[${container.name}].${field}`,
        value,
        postureCommand(template, `${container.list}[?(@.name=="${container.name}")].${field}`),
      ),
    );

export const workloadName = (workload: ResourceRef): string =>
  `${workload.kind.toLowerCase()}/${workload.name}`;

export const containerList = (names: readonly string[]): string =>
  `${names.length === 1 ? 'container' : 'containers'} ${listNames(names)}`;
