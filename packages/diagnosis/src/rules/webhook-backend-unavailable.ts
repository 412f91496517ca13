import type { FindingDraft } from '../model/finding.js';
import type { WebhookConfiguration } from '../snapshot/kubernetes-types.js';
import { absenceEvidence, fieldEvidence } from '../util/evidence.js';
import { kubectlList } from '../util/kubectl.js';
import { ref, refOf } from '../util/resource-ref.js';
import type { Rule } from './rule.js';
import { serviceReadiness } from './service-readiness.js';

export const webhookBackendUnavailableRule: Rule = {
  id: 'webhook-backend-unavailable',
  title:
    'Admission webhook whose Service is missing or has no ready endpoints (failurePolicy Fail blocks API writes)',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    const configurations: [string, WebhookConfiguration][] = [
      ...(context.snapshot.validatingwebhookconfigurations ?? []).map(
        (item): [string, WebhookConfiguration] => ['ValidatingWebhookConfiguration', item],
      ),
      ...(context.snapshot.mutatingwebhookconfigurations ?? []).map(
        (item): [string, WebhookConfiguration] => ['MutatingWebhookConfiguration', item],
      ),
    ];
    for (const [kind, configuration] of configurations) {
      const resource = refOf(kind, configuration);
      for (const webhook of configuration.webhooks ?? []) {
        const target = webhook.clientConfig?.service;
        if (target?.name === undefined || target.namespace === undefined) continue;
        const serviceRef = ref('Service', target.namespace, target.name);
        const failing = (webhook.failurePolicy ?? 'Fail') === 'Fail';
        const service = context.get('Service', target.namespace, target.name);
        let problem: 'missing' | 'no-endpoints' | undefined;
        if (service === undefined) {
          if (context.canJudgeMissing('services', target.namespace)) problem = 'missing';
        } else {
          const readiness = serviceReadiness(context, service);
          if (readiness !== undefined && readiness.ready === 0) problem = 'no-endpoints';
        }
        if (problem === undefined) continue;
        const hookName = webhook.name ?? '';
        drafts.push({
          rule: 'webhook-backend-unavailable',
          severity: failing ? 'critical' : 'warning',
          resource,
          causeKey: `${hookName}:${problem}`,
          summary: `webhook ${hookName} has ${problem === 'missing' ? `no Service (${target.namespace}/${target.name} missing)` : `no ready backend (${target.namespace}/${target.name})`}${failing ? ': matching API requests are rejected' : ''}`,
          rootCause:
            `The API server calls webhook ${hookName} through Service ${target.namespace}/${target.name}, which ${problem === 'missing' ? 'does not exist' : 'has no ready endpoints'}. ` +
            (failing
              ? 'With failurePolicy Fail, every create/update it matches fails with "failed calling webhook" (pods, deployments, ... cannot be created).'
              : 'With failurePolicy Ignore the requests pass unvalidated/unmutated.'),
          evidence: [
            fieldEvidence(
              resource,
              `webhooks[${hookName}].failurePolicy`,
              webhook.failurePolicy ?? 'Fail (default)',
            ),
            problem === 'missing'
              ? absenceEvidence(
                  serviceRef,
                  `Service ${target.name} not found`,
                  kubectlList('service', target.namespace),
                )
              : fieldEvidence(
                  serviceRef,
                  'endpoints',
                  'no ready endpoints',
                  kubectlList(
                    'endpointslices',
                    target.namespace,
                    `-l kubernetes.io/service-name=${target.name}`,
                  ),
                ),
          ],
          remediation: failing
            ? `Restore the webhook backend in namespace ${target.namespace}; if it is gone for good, delete the ${kind.replace('Configuration', '')} configuration ${resource.name} (or set failurePolicy Ignore) to unblock the API.`
            : `Restore the webhook backend or remove the configuration ${resource.name}.`,
          suspects: [{ ...serviceRef, rules: ['service-no-endpoints', 'service-port-mismatch'] }],
        });
      }
    }
    return drafts;
  },
};
