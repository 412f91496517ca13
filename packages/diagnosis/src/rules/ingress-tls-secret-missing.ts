import type { FindingDraft } from '../model/finding.js';
import { absenceEvidence } from '../util/evidence.js';
import { kubectlList } from '../util/kubectl.js';
import { ref, refOf } from '../util/resource-ref.js';
import type { Rule } from './rule.js';

export const ingressTlsSecretMissingRule: Rule = {
  id: 'ingress-tls-secret-missing',
  title:
    'Ingress TLS section names a Secret that does not exist (the controller serves its default certificate)',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const ingress of context.snapshot.ingresses ?? []) {
      const resource = refOf('Ingress', ingress);
      if (!context.canJudgeMissing('secrets', resource.namespace)) continue;
      for (const tls of ingress.spec?.tls ?? []) {
        const name = tls.secretName;
        if (name === undefined || context.secret(resource.namespace, name) !== undefined) continue;
        drafts.push({
          rule: 'ingress-tls-secret-missing',
          severity: 'warning',
          resource,
          causeKey: name,
          summary: `TLS Secret ${name} does not exist`,
          rootCause: `TLS for ${(tls.hosts ?? []).join(', ') || 'the Ingress'} uses Secret ${name}, which does not exist; clients get the controller's default (untrusted) certificate.`,
          evidence: [
            absenceEvidence(
              ref('Secret', resource.namespace, name),
              `Secret ${name} not found`,
              kubectlList('secret', resource.namespace),
            ),
          ],
          remediation: `Create the kubernetes.io/tls Secret ${name} (or check cert-manager's Certificate for it).`,
        });
      }
    }
    return drafts;
  },
};
