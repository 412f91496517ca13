import type { FindingDraft } from '../model/finding.js';
import type { Rule } from '../rules/rule.js';
import { fieldEvidence } from '../util/evidence.js';
import { listNames } from '../util/text.js';
import { postureCommand, postureTemplates, workloadName } from './template-containers.js';

export const postureHostPathRule: Rule = {
  id: 'posture-host-path',
  title: 'Pod mounts a directory of the node (hostPath volume)',
  category: 'posture',
  run: (context) =>
    postureTemplates(context).flatMap((template): FindingDraft[] => {
      const volumes = (template.spec.volumes ?? []).flatMap((volume) =>
        volume.hostPath === undefined ? [] : [{ name: volume.name ?? '', path: volume.hostPath.path ?? '' }],
      );
      if (volumes.length === 0) return [];
      const paths = volumes.map(({ path }) => path);
      return [
        {
          rule: 'posture-host-path',
          severity: 'warning',
          resource: template.workload,
          causeKey: paths.join(','),
          summary: `${workloadName(template.workload)} mounts ${volumes.length === 1 ? 'a node directory' : 'node directories'}: ${listNames(paths)}`,
          rootCause: `hostPath ${volumes.length === 1 ? 'volume' : 'volumes'} ${listNames(volumes.map(({ name, path }) => `${name} (${path})`))} give the pod the node's files; a writable mount of /, /etc, /var/lib/kubelet or the container runtime's socket is a path to root on the node, and the data follows the node rather than the pod.`,
          evidence: volumes
            .slice(0, 3)
            .map(({ name, path }) =>
              fieldEvidence(
                template.workload,
                `${template.specPath}.volumes[${name}].hostPath.path`,
                path,
                postureCommand(template, `volumes[?(@.name=="${name}")].hostPath.path`),
              ),
            ),
          remediation:
            'Use a PersistentVolumeClaim, emptyDir, ConfigMap or Secret volume instead; if a node agent truly needs the path, mount it `readOnly: true`, as narrow as possible, and keep the workload in a namespace of its own.',
        },
      ];
    }),
};
