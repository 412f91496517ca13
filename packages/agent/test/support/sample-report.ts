import type { Report } from '@kubently/diagnosis';

/** A one-root-cause report: a Deployment's pods cannot start because a ConfigMap key is missing. */
export function sampleReport(): Report {
  const rootCause = {
    id: 'f-configmap-key',
    rule: 'pod-config-missing',
    category: 'incident' as const,
    severity: 'critical' as const,
    resource: { kind: 'ConfigMap', namespace: 'shop', name: 'web-config' },
    summary: 'ConfigMap shop/web-config has no key "DATABASE_URL" that 2 pods need',
    rootCause: 'ConfigMap web-config is missing the key DATABASE_URL referenced by Deployment web',
    evidence: [
      {
        type: 'event' as const,
        object: { kind: 'Pod', namespace: 'shop', name: 'web-7d9f-abcde' },
        reason: 'Failed',
        message: "Error: couldn't find key DATABASE_URL in ConfigMap shop/web-config",
        count: 12,
        lastSeen: '2026-01-01T00:10:00Z',
        command: 'kubectl get events -n shop --field-selector involvedObject.name=web-7d9f-abcde',
      },
    ],
    remediation:
      'Add DATABASE_URL to ConfigMap shop/web-config (kubectl edit configmap web-config -n shop) or fix the key name in Deployment web',
    affected: [{ kind: 'Deployment', namespace: 'shop', name: 'web' }],
    causes: ['f-svc'],
    causedBy: [],
  };
  const symptom = {
    id: 'f-svc',
    rule: 'service-no-endpoints',
    category: 'incident' as const,
    severity: 'warning' as const,
    resource: { kind: 'Service', namespace: 'shop', name: 'web' },
    summary: 'Service shop/web has no ready endpoints',
    rootCause: 'no ready pods match the selector app=web',
    evidence: [],
    remediation: 'fix the pods behind the Service',
    affected: [],
    causes: [],
    causedBy: ['f-configmap-key'],
  };
  return {
    findings: [rootCause],
    symptoms: [symptom],
    summary: {
      rootCauses: 1,
      posture: 0,
      symptoms: 1,
      bySeverity: { critical: 1, warning: 1, info: 0 },
      rulesRun: 46,
      objectsScanned: 120,
    },
    collectedAt: '2026-01-01T00:10:00Z',
    generatedAt: '2026-01-01T00:10:01Z',
    namespaces: ['shop'],
  };
}
