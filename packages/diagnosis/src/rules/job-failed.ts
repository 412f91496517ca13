import type { FindingDraft } from '../model/finding.js';
import { eventEvidence, fieldEvidence } from '../util/evidence.js';
import { condition } from '../util/pod-status.js';
import { ref, refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import type { Rule } from './rule.js';

export const jobFailedRule: Rule = {
  id: 'job-failed',
  title: 'Job failed: BackoffLimitExceeded, DeadlineExceeded (activeDeadlineSeconds), or suspended',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const job of context.snapshot.jobs ?? []) {
      const resource = refOf('Job', job);
      const failed = condition(job.status?.conditions, 'Failed');
      const complete = condition(job.status?.conditions, 'Complete');
      if (failed?.status === 'True' && complete?.status !== 'True') {
        const reason = failed.reason ?? 'Failed';
        const deadline = reason === 'DeadlineExceeded';
        const pods = context
          .podsOf(resource)
          .map((pod) => ref('Pod', resource.namespace, pod.metadata?.name ?? ''));
        drafts.push({
          rule: 'job-failed',
          severity: 'warning',
          resource,
          causeKey: reason,
          summary: deadline
            ? `job exceeded activeDeadlineSeconds=${job.spec?.activeDeadlineSeconds ?? '?'}`
            : `job failed: ${reason} (${job.status?.failed ?? 0} failed pods, backoffLimit ${job.spec?.backoffLimit ?? 6})`,
          rootCause: deadline
            ? `The Job ran longer than spec.activeDeadlineSeconds (${job.spec?.activeDeadlineSeconds ?? '?'}s) and was terminated: "${oneLine(failed.message ?? '', 160)}".`
            : `The Job's pods failed ${job.status?.failed ?? 0} times, reaching backoffLimit ${job.spec?.backoffLimit ?? 6}: "${oneLine(failed.message ?? '', 160)}".`,
          evidence: [
            fieldEvidence(resource, 'status.conditions[Failed]', `${reason}: ${failed.message ?? ''}`),
            ...context
              .warnings(resource, [reason])
              .slice(0, 1)
              .map((event) => eventEvidence(event)),
          ],
          remediation: deadline
            ? 'Make the work finish in time (smaller batches, more parallelism) or raise activeDeadlineSeconds; then re-run the Job.'
            : `Read the failed pods' logs (\`kubectl logs job/${resource.name} -n ${resource.namespace}\`), fix the error, then re-create the Job.`,
          suspects: pods,
        });
      } else if (job.spec?.suspend === true && complete?.status !== 'True') {
        drafts.push({
          rule: 'job-failed',
          severity: 'info',
          resource,
          causeKey: 'suspended',
          summary: 'job is suspended',
          rootCause: 'spec.suspend is true, so no pods run until it is resumed.',
          evidence: [fieldEvidence(resource, 'spec.suspend', 'true')],
          remediation: `Resume with \`kubectl patch job ${resource.name} -n ${resource.namespace} -p '{"spec":{"suspend":false}}'\` when intended.`,
        });
      }
    }
    return drafts;
  },
};
