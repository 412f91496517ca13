import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

import { stagesFile } from '../src/paths.js';
import { allStages, renderStages } from '../src/stages/index.js';
import {
  catalogImagePattern,
  catalogRepositoryPattern,
  exitPattern,
  memoryHogPattern,
  privateRegistryPattern,
  publicRegistryPattern,
} from '../src/stages/pod-predicates.js';

// The patterns are RE2 (kwok's CEL and sprig); they use only syntax JavaScript reads the same way.
const catalog = new RegExp(catalogImagePattern);
const repository = new RegExp(catalogRepositoryPattern);
const isPublic = new RegExp(publicRegistryPattern);
const isPrivate = new RegExp(privateRegistryPattern);

function pullOutcome(
  image: string,
  hasPullSecret: boolean,
): 'pulls' | 'not-found' | 'denied' | 'unauthorized' {
  if (catalog.test(image) || isPublic.test(image)) return 'pulls';
  if (isPrivate.test(image) && !image.startsWith('docker.io/'))
    return hasPullSecret ? 'pulls' : 'unauthorized';
  return repository.test(image) ? 'not-found' : 'denied';
}

describe('image pull selection', () => {
  it.each([
    ['nginx:1.27', false, 'pulls'],
    ['docker.io/library/nginx:1.27.3', false, 'pulls'],
    ['busybox', false, 'pulls'],
    ['curlimages/curl:8.11.1', false, 'pulls'],
    ['registry.k8s.io/pause:3.10', false, 'pulls'],
    ['ngnix:1.27', false, 'denied'],
    ['myorg/app:1.0', false, 'denied'],
    ['redis:7.4.99', false, 'not-found'],
    ['nginx:1.99', false, 'not-found'],
    ['registry.acme.internal/payments/api:2.3.1', false, 'unauthorized'],
    ['registry.acme.internal/payments/api:2.3.1', true, 'pulls'],
    ['localhost:5000/app:dev', true, 'pulls'],
  ] as const)('%s (pull secret: %s) %s', (image, secret, outcome) => {
    expect(pullOutcome(image, secret)).toBe(outcome);
  });
});

describe('command selection', () => {
  const exits = new RegExp(exitPattern);
  const hogs = new RegExp(memoryHogPattern);
  it.each([
    ['echo boom; exit 1', true],
    ['test -n "$X" || { echo missing; exit 3; }', true],
    ['exit 0', false],
    ['nginx -g "daemon off;"', false],
    ['./exit 1', false],
  ] as const)('%j exits non-zero: %s', (script, expected) => {
    expect(exits.test(script)).toBe(expected);
  });

  it('recognises unbounded memory allocation', () => {
    expect(hogs.test('echo load; tail /dev/zero')).toBe(true);
    expect(hogs.test('stress --vm 1 --vm-bytes 512M')).toBe(true);
    expect(hogs.test('tail -f /var/log/app.log')).toBe(false);
  });
});

describe('stages file', () => {
  it('is generated from the sources (run `npm run testbed -- stages` after editing them)', async () => {
    expect(await readFile(stagesFile, 'utf8')).toBe(renderStages());
  });

  it('has unique names and leaves terminating pods to pod-delete', () => {
    const stages = allStages();
    expect(new Set(stages.map((s) => s.metadata.name)).size).toBe(stages.length);
    for (const stage of stages.filter(
      (s) => s.spec.resourceRef.kind === 'Pod' && s.metadata.name !== 'pod-delete',
    )) {
      expect(stage.spec.selector.matchExpressions[0]?.jq.key, stage.metadata.name).toBe(
        '. as $pod | .metadata.deletionTimestamp == null',
      );
    }
  });

  it('records kubelet event reasons only from the kubelet vocabulary', () => {
    const reasons = new Set(
      allStages().flatMap((s) =>
        s.spec.steps.flatMap((step) => ('event' in step ? [step.event.reason] : [])),
      ),
    );
    expect([...reasons].sort()).toEqual(['BackOff', 'Failed', 'Killing', 'Unhealthy']);
  });
});

describe('stage selectors', () => {
  // kwok compiles the selectors with gojq at runtime; a syntax error there only shows in its log. The
  // system jq (same grammar for what we use) catches such mistakes here when it is installed.
  const jq = ['/usr/bin/jq', '/usr/local/bin/jq'].find((path) => existsSync(path));
  // In CI a missing jq is a broken machine, not a reason to skip: the tests run and fail.
  const skipWithoutJq = jq === undefined && process.env['CI'] !== 'true';
  const pod = JSON.stringify({
    metadata: { name: 'p', namespace: 'n', annotations: {} },
    spec: {
      nodeName: 'worker-1',
      containers: [
        {
          name: 'app',
          image: 'nginx:1.27',
          ports: [{ containerPort: 80 }],
          readinessProbe: { httpGet: { path: '/x', port: 80 } },
        },
      ],
    },
    status: {
      phase: 'Running',
      startTime: 't',
      containerStatuses: [{ name: 'app', ready: false, state: { running: {} } }],
    },
  });
  const keys = allStages().flatMap((s) =>
    s.spec.selector.matchExpressions.map((m) => [s.metadata.name, m.jq.key] as const),
  );

  it.skipIf(skipWithoutJq).each(keys)('%s: %s compiles and yields a boolean', (_name, key) => {
    const result = spawnSync(jq!, ['-c', key], { input: pod, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(['true', 'false']).toContain(result.stdout.trim());
  });

  it.skipIf(skipWithoutJq)('selects readiness-failing pods for the 404 stage and not for pod-ready', () => {
    const matches = (name: string): boolean =>
      allStages()
        .find((s) => s.metadata.name === name)!
        .spec.selector.matchExpressions.every(
          (m) => spawnSync(jq!, ['-c', m.jq.key], { input: pod, encoding: 'utf8' }).stdout.trim() === 'true',
        );
    expect(matches('pod-readiness-probe-404')).toBe(true);
    expect(matches('pod-readiness-probe-refused')).toBe(false);
    expect(matches('pod-ready')).toBe(false);
    expect(matches('pod-container-crash')).toBe(false);
  });
});
