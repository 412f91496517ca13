import type { FindingDraft } from '../model/finding.js';
import type { Rule } from '../rules/rule.js';
import { fieldEvidence } from '../util/evidence.js';
import { listNames } from '../util/text.js';
import { isSecretLikeEnv } from './secret-like-env.js';
import { postureCommand, postureTemplates, workloadName } from './template-containers.js';

/**
 * Credentials written as plain `env[].value`. The finding names the variables and never their
 * values: its evidence command lists only the names of the variables that have a plain value.
 */
export const postureSecretInEnvRule: Rule = {
  id: 'posture-secret-in-env',
  title: 'Credential written as a plain environment value in the pod template (not a Secret)',
  category: 'posture',
  run: (context) =>
    postureTemplates(context).flatMap((template): FindingDraft[] => {
      const offenders = template.containers.flatMap((entry) => {
        const names = (entry.container.env ?? []).flatMap((variable) =>
          variable.name !== undefined &&
          typeof variable.value === 'string' &&
          isSecretLikeEnv(variable.name, variable.value)
            ? [variable.name]
            : [],
        );
        return names.length === 0 ? [] : [{ entry, names }];
      });
      if (offenders.length === 0) return [];
      const all = offenders.flatMap(({ entry, names }) => names.map((name) => `${entry.name}/${name}`));
      const variables = [...new Set(offenders.flatMap(({ names }) => names))];
      return [
        {
          rule: 'posture-secret-in-env',
          severity: 'warning',
          resource: template.workload,
          causeKey: all.join(','),
          summary: `${workloadName(template.workload)} sets ${listNames(variables)} as plain environment ${variables.length === 1 ? 'value' : 'values'}`,
          rootCause: `${listNames(variables)} ${variables.length === 1 ? 'is' : 'are'} written into the pod template as plain \`value\`s (${listNames(all)}), so anyone who can read the ${template.workload.kind} (\`get\`, \`describe\`, its last-applied annotation, a GitOps repository) reads the credential; Secrets have their own RBAC, encryption at rest and redaction.`,
          evidence: offenders
            .slice(0, 3)
            .map(({ entry, names }) =>
              fieldEvidence(
                template.workload,
                `${template.specPath}.${entry.list}[${entry.name}].env`,
                `${names.join(', ')} (plain value, not shown)`,
                postureCommand(template, `${entry.list}[?(@.name=="${entry.name}")].env[?(@.value)].name`),
              ),
            ),
          remediation: `Move each value into a Secret (\`kubectl create secret generic <name> -n ${template.workload.namespace} --from-literal=<KEY>=...\`) and reference it with \`valueFrom.secretKeyRef\`; then rotate the credential, since it has been readable in the spec.`,
        },
      ];
    }),
};
