import type { FindingDraft } from '../model/finding.js';
import { absenceEvidence } from '../util/evidence.js';
import { ref } from '../util/resource-ref.js';
import type { Rule } from './rule.js';
import { configReferences } from './template-references.js';

/** Labels of ConfigMaps that sidecars load by label, not by pod reference. */
const sidecarLabels = [
  'grafana_dashboard',
  'grafana_datasource',
  'prometheus_rule',
  'fluentd_config',
  'k8sgpt.ai/dynamically-loaded',
];
const systemNames = ['kube-root-ca.crt', 'istio-ca-root-cert'];

export const configMapUnusedRule: Rule = {
  id: 'configmap-unused',
  title: 'ConfigMap not referenced by any pod or workload template, or empty',
  run: (context) => {
    if (!context.has('pods') || !context.has('deployments')) return [];
    const used = new Set<string>();
    for (const { workload, template } of context.workloadTemplates()) {
      for (const reference of configReferences(template.spec)) {
        if (reference.kind === 'ConfigMap') used.add(`${workload.namespace}/${reference.name}`);
      }
      // Controllers often read their ConfigMap through the API, named in a flag (--configmap=ns/name).
      for (const container of template.spec?.containers ?? []) {
        for (const word of [...(container.command ?? []), ...(container.args ?? [])]) {
          const tokens = word.split(/[=/,:\s]+/);
          for (const token of tokens) used.add(`${workload.namespace}/${token}`);
          for (const [index, token] of tokens.entries()) used.add(`${token}/${tokens[index + 1] ?? ''}`);
        }
      }
    }
    const drafts: FindingDraft[] = [];
    for (const configMap of context.snapshot.configmaps ?? []) {
      if (
        systemNames.includes(configMap.name) ||
        configMap.namespace === 'kube-system' ||
        configMap.namespace === 'kube-public'
      )
        continue;
      if (Object.keys(configMap.labels ?? {}).some((label) => sidecarLabels.includes(label))) continue;
      if (configMap.labels?.['owner'] === 'helm' || configMap.name.startsWith('sh.helm.release')) continue;
      const resource = ref('ConfigMap', configMap.namespace, configMap.name);
      if (!used.has(`${configMap.namespace}/${configMap.name}`)) {
        drafts.push({
          rule: 'configmap-unused',
          severity: 'info',
          resource,
          causeKey: 'unused',
          summary: 'not used by any pod',
          rootCause:
            'No pod or workload template mounts this ConfigMap or reads it through env/envFrom (it may be read through the API, or be left over).',
          evidence: [
            absenceEvidence(
              resource,
              'no pod spec references it',
              `kubectl get pods -n ${configMap.namespace} -o yaml`,
            ),
          ],
          remediation: 'Delete it if it is left over; label it if a sidecar loads it dynamically.',
        });
      } else if (configMap.keys.length === 0) {
        drafts.push({
          rule: 'configmap-unused',
          severity: 'info',
          resource,
          causeKey: 'empty',
          summary: 'ConfigMap has no keys',
          rootCause: 'The ConfigMap is referenced but empty; the consumer gets no configuration.',
          evidence: [
            absenceEvidence(
              resource,
              'data is empty',
              `kubectl get configmap ${configMap.name} -n ${configMap.namespace} -o jsonpath='{.data}'`,
            ),
          ],
          remediation: 'Fill in the expected keys or remove the reference.',
        });
      }
    }
    return drafts;
  },
};
