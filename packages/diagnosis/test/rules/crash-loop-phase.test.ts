import { describe, expect, it } from 'vitest';

import { diagnose } from '../../src/index.js';
import { event, minutesAgo, podRef } from '../fixtures/builders.js';
import { broken } from '../fixtures/scenarios.js';

const restartedWebPod = (options: { startedMinutesAgo: number; ready: boolean; backOff: boolean }) =>
  broken(
    {
      podReady: options.ready,
      status: {
        ready: options.ready,
        restartCount: 7,
        state: { running: { startedAt: minutesAgo(options.startedMinutesAgo) } },
        lastState: {
          terminated: { exitCode: 2, reason: 'Error', finishedAt: minutesAgo(options.startedMinutesAgo) },
        },
      },
    },
    (built) => ({
      events: options.backOff
        ? built.pods.map((pod) => event(podRef(pod), 'BackOff', 'Back-off restarting failed container web'))
        : [],
    }),
  );

const rulesOf = (options: Parameters<typeof restartedWebPod>[0]): string[] => {
  const report = diagnose(restartedWebPod(options));
  return [...report.findings, ...report.symptoms].map((finding) => finding.rule);
};

describe('a container running between two crashes', () => {
  it('is the crash loop when it restarted within a back-off and is not ready', () => {
    const rules = rulesOf({ startedMinutesAgo: 0.5, ready: false, backOff: false });
    expect(rules).toContain('container-crash-loop');
    expect(rules).not.toContain('container-restarting');
  });

  it('is the crash loop when it is ready but the kubelet reported a back-off', () => {
    expect(rulesOf({ startedMinutesAgo: 1, ready: true, backOff: true })).toContain('container-crash-loop');
  });

  it('is only a restarting container when it has stayed up longer than the longest back-off', () => {
    const rules = rulesOf({ startedMinutesAgo: 90, ready: true, backOff: true });
    expect(rules).not.toContain('container-crash-loop');
    expect(rules).toContain('container-restarting');
  });

  it('is only a restarting container when it is ready and no back-off was reported', () => {
    const rules = rulesOf({ startedMinutesAgo: 1, ready: true, backOff: false });
    expect(rules).not.toContain('container-crash-loop');
    expect(rules).toContain('container-restarting');
  });
});
