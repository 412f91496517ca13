import type { FindingDraft } from '../model/finding.js';
import { fieldEvidence } from '../util/evidence.js';
import { nextRun, parseCron } from '../util/cron-schedule.js';
import { ageSeconds, formatAge } from '../util/pod-status.js';
import { ref, refOf } from '../util/resource-ref.js';
import type { Rule } from './rule.js';

/** Grace after a due run before it counts as missed (controller resync and clock skew). */
const graceMs = 5 * 60_000;

export const cronJobNotSchedulingRule: Rule = {
  id: 'cronjob-not-scheduling',
  title:
    'CronJob not running: suspended, invalid schedule, negative startingDeadlineSeconds, missed runs, blocked by concurrencyPolicy Forbid',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const cronJob of context.snapshot.cronjobs ?? []) {
      const resource = refOf('CronJob', cronJob);
      const spec = cronJob.spec ?? {};
      const scheduleText = spec.schedule ?? '';
      if (spec.suspend === true) {
        drafts.push({
          rule: 'cronjob-not-scheduling',
          severity: 'info',
          resource,
          causeKey: 'suspended',
          summary: 'cronjob is suspended',
          rootCause: 'spec.suspend is true, so the controller creates no Jobs.',
          evidence: [fieldEvidence(resource, 'spec.suspend', 'true')],
          remediation: `Resume with \`kubectl patch cronjob ${resource.name} -n ${resource.namespace} -p '{"spec":{"suspend":false}}'\` when intended.`,
        });
        continue;
      }
      const schedule = parseCron(scheduleText);
      if (schedule === undefined) {
        drafts.push({
          rule: 'cronjob-not-scheduling',
          severity: 'critical',
          resource,
          causeKey: 'invalid-schedule',
          summary: `schedule "${scheduleText}" is not a valid cron expression`,
          rootCause: `The controller cannot parse "${scheduleText}" (5 fields: minute hour day-of-month month day-of-week), so no Job is ever created.`,
          evidence: [fieldEvidence(resource, 'spec.schedule', scheduleText)],
          remediation: 'Fix spec.schedule, e.g. "*/5 * * * *".',
        });
        continue;
      }
      if (spec.startingDeadlineSeconds !== undefined && spec.startingDeadlineSeconds < 0) {
        drafts.push({
          rule: 'cronjob-not-scheduling',
          severity: 'warning',
          resource,
          causeKey: 'negative-deadline',
          summary: `startingDeadlineSeconds is negative (${spec.startingDeadlineSeconds})`,
          rootCause: 'A negative starting deadline means every run is considered missed.',
          evidence: [
            fieldEvidence(resource, 'spec.startingDeadlineSeconds', String(spec.startingDeadlineSeconds)),
          ],
          remediation: 'Remove startingDeadlineSeconds or set it to a positive number of seconds.',
        });
        continue;
      }
      const last = cronJob.status?.lastScheduleTime ?? cronJob.metadata?.creationTimestamp;
      const lastMs = last === undefined ? Number.NaN : Date.parse(last);
      if (Number.isNaN(lastMs)) continue;
      const due = nextRun(schedule, lastMs);
      if (due === undefined || due + graceMs >= context.now) continue;
      const active = cronJob.status?.active ?? [];
      const forbid = spec.concurrencyPolicy === 'Forbid' && active.length > 0;
      const overdue = formatAge((context.now - due) / 1000);
      drafts.push({
        rule: 'cronjob-not-scheduling',
        severity: 'warning',
        resource,
        causeKey: forbid ? 'blocked-by-active' : 'missed',
        summary: forbid
          ? `runs are skipped: concurrencyPolicy Forbid and job ${active[0]?.name ?? ''} is still active`
          : `no run since ${last ?? '?'} (a run was due ${overdue} ago)`,
        rootCause: forbid
          ? `A previous Job (${active.map((item) => item.name ?? '').join(', ')}) is still running, and concurrencyPolicy Forbid skips every new run until it ends (last scheduled ${formatAge(ageSeconds(last, context.now) ?? 0)} ago).`
          : `The schedule "${scheduleText}" was due ${overdue} ago but the controller created no Job: it missed more than 100 start times, startingDeadlineSeconds is too short, or the controller is not running.`,
        evidence: [
          fieldEvidence(resource, 'status.lastScheduleTime', last ?? '<never>'),
          fieldEvidence(resource, 'spec.schedule', scheduleText),
          ...(forbid
            ? [fieldEvidence(resource, 'status.active', active.map((item) => item.name ?? '').join(', '))]
            : []),
        ],
        remediation: forbid
          ? 'Find why the active Job does not finish (hung pod, missing activeDeadlineSeconds) and set activeDeadlineSeconds on the job template.'
          : 'Check `kubectl get events` for the CronJob, set startingDeadlineSeconds generously, and verify kube-controller-manager is healthy.',
        suspects: forbid ? active.map((item) => ref('Job', resource.namespace, item.name ?? '')) : [],
      });
    }
    return drafts;
  },
};
