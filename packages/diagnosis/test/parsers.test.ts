import { describe, expect, it } from 'vitest';
import {
  clusterSnapshotSchema,
  parseSchedulingMessage,
  summarizeConfigMap,
  summarizeSecret,
} from '../src/index.js';
import { nextRun, parseCron } from '../src/util/cron-schedule.js';
import { matchesSelector } from '../src/util/label-selector.js';
import { parseCreateFailure } from '../src/util/parse-create-failure.js';
import { parseQuantity } from '../src/util/quantity.js';
import { classifyPullError } from '../src/rules/image-pull-failure.js';
import { parseForbidden } from '../src/rules/forbidden-message.js';
import { collectedAt } from './fixtures/builders.js';

describe('FailedScheduling messages', () => {
  it.each([
    [
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
      ['untolerated-taint:1:{node-role.kubernetes.io/control-plane: }', 'insufficient-resource:2:cpu'],
    ],
    [
      '0/4 nodes are available: 4 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.',
      ['insufficient-resource:4:nvidia.com/gpu'],
    ],
    [
      "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
      ['node-affinity:2:'],
    ],
    [
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
      ['pod-anti-affinity:3:'],
    ],
    [
      '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
      ['unbound-pvc:1:'],
    ],
    [
      '0/2 nodes are available: 1 node(s) had volume node affinity conflict, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
      ['volume-node-affinity:1:', 'node-unschedulable:1:'],
    ],
    [
      '0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 2 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: ...',
      [
        'untolerated-taint:1:{node.kubernetes.io/unreachable: }',
        'untolerated-taint:2:{node.kubernetes.io/not-ready: }',
      ],
    ],
    ['persistentvolumeclaim "data" not found', ['pvc-not-found:0:data']],
    ['no nodes available to schedule pods', ['no-nodes:0:']],
  ])('%s', (message, expected) => {
    const parsed = parseSchedulingMessage(message);
    expect(parsed?.constraints.map((item) => `${item.type}:${item.nodes}:${item.detail}`)).toEqual(expected);
  });

  it('returns undefined for text that is not a scheduling message', () => {
    expect(parseSchedulingMessage('Successfully assigned shop/web to node-1')).toBeUndefined();
  });
});

describe('FailedCreate messages', () => {
  it.each([
    [
      'pods "web-7d9c5b8f6d-x2x9q" is forbidden: exceeded quota: compute, requested: requests.cpu=500m,requests.memory=256Mi, used: requests.cpu=4, limited: requests.cpu=4',
      'quota-exceeded',
    ],
    [
      'Error creating: pods "web-7d9c5b8f6d-" is forbidden: failed quota: compute: must specify limits.cpu for: web; limits.memory for: web',
      'quota-requires-limits',
    ],
    [
      'Error creating: pods "web-7d9c5b8f6d-5kz2q" is forbidden: maximum cpu usage per Container is 2, but limit is 4',
      'limit-range',
    ],
    [
      'Error creating: pods "api-7d9c5b8f6d-" is forbidden: error looking up service account shop/api-sa: serviceaccount "api-sa" not found',
      'service-account-missing',
    ],
    [
      'Error creating: admission webhook "validate.kyverno.svc-fail" denied the request: policy require-labels failed',
      'webhook',
    ],
    [
      'Error creating: pods "web-x" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
      'pod-security',
    ],
    ['Error creating: something else', 'other'],
  ])('%s → %s', (message, type) => {
    expect(parseCreateFailure(message).type).toBe(type);
  });

  it('extracts the quota name and the requested resources', () => {
    expect(
      parseCreateFailure(
        'pods "w" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=10, limited: pods=10',
      ),
    ).toMatchObject({ quota: 'compute', resources: 'pods=1' });
  });
});

describe('image pull errors', () => {
  it.each([
    [
      'ErrImagePull',
      'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.999": failed to resolve reference "docker.io/library/nginx:1.999": docker.io/library/nginx:1.999: not found',
      'not-found',
    ],
    [
      'ErrImagePull',
      'Failed to pull image "acme/privateapp:1": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/acme/privateapp:1": failed to resolve reference "docker.io/acme/privateapp:1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
      'auth',
    ],
    ['ImagePullBackOff', 'toomanyrequests: You have reached your pull rate limit.', 'rate-limited'],
    ['ErrImagePull', 'dial tcp 10.0.0.5:443: i/o timeout', 'network'],
    ['InvalidImageName', 'invalid reference format', 'invalid-name'],
    ['ErrImageNeverPull', 'Container image "web:dev" is not present with pull policy of Never', 'never-pull'],
  ])('%s %s → %s', (reason, message, expected) => {
    expect(classifyPullError(reason, message)).toBe(expected);
  });
});

describe('RBAC denial messages', () => {
  it('parses a namespaced denial', () => {
    expect(
      parseForbidden(
        'pods is forbidden: User "system:serviceaccount:shop:api" cannot list resource "pods" in API group "" in the namespace "shop"',
      ),
    ).toEqual({
      namespace: 'shop',
      serviceAccount: 'api',
      verb: 'list',
      resource: 'pods',
      apiGroup: '',
      scope: 'shop',
    });
  });

  it('parses a cluster-scope denial', () => {
    expect(
      parseForbidden(
        'nodes is forbidden: User "system:serviceaccount:ops:agent" cannot watch resource "nodes" in API group "" at the cluster scope',
      ),
    ).toMatchObject({ verb: 'watch', resource: 'nodes', scope: '' });
  });
});

describe('helpers', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['128Mi', 134_217_728],
    ['1G', 1e9],
    ['1e3', 1000],
    ['bogus', undefined],
  ])('parseQuantity(%s) = %s', (input, expected) => {
    expect(parseQuantity(input)).toBe(expected);
  });

  it('matches label selectors with expressions', () => {
    const selector = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    };
    expect(matchesSelector(selector, { app: 'web', tier: 'a' })).toBe(true);
    expect(matchesSelector(selector, { app: 'web', tier: 'c' })).toBe(false);
    expect(matchesSelector(selector, { app: 'web', tier: 'a', canary: 'true' })).toBe(false);
    expect(matchesSelector({}, { anything: 'x' })).toBe(true);
  });

  it('parses cron schedules and finds the next run in UTC', () => {
    expect(parseCron('0 25 * * *')).toBeUndefined();
    expect(parseCron('*/15 * * * * *')).toBeUndefined();
    const weekdays = parseCron('30 9 * * mon-fri');
    expect(weekdays).toBeDefined();
    // 2026-11-21 is a Saturday: the next run is Monday 2026-11-23 09:30.
    expect(new Date(nextRun(weekdays!, Date.parse('2026-11-21T10:00:00Z'))!).toISOString()).toBe(
      '2026-11-23T09:30:00.000Z',
    );
    expect(new Date(nextRun(parseCron('@hourly')!, Date.parse('2026-11-21T10:00:00Z'))!).toISOString()).toBe(
      '2026-11-21T11:00:00.000Z',
    );
  });
});

describe('snapshot boundary', () => {
  it('reduces Secrets and ConfigMaps to names and keys; values never survive', () => {
    const secret = summarizeSecret({
      metadata: {
        name: 'db',
        namespace: 'shop',
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"c2VjcmV0"}}',
        },
      },
      type: 'Opaque',
      data: { password: 'c2VjcmV0' },
    });
    expect(secret).toEqual({ namespace: 'shop', name: 'db', type: 'Opaque', keys: ['password'] });
    expect(JSON.stringify(secret)).not.toContain('c2VjcmV0');
    expect(
      summarizeConfigMap({ metadata: { name: 'cfg', namespace: 'shop' }, data: { b: '1', a: '2' } }),
    ).toEqual({ namespace: 'shop', name: 'cfg', keys: ['a', 'b'] });
  });

  it('rejects a Secret that carries values, naming the problem', () => {
    const result = clusterSnapshotSchema.safeParse({
      collectedAt,
      namespaces: 'all',
      secrets: [{ namespace: 'shop', name: 'db', keys: ['password'], data: { password: 'c2VjcmV0' } }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['secrets', 0]);
    expect(result.error?.issues[0]?.message).toMatch(/data/);
  });

  it('rejects items that are not Kubernetes objects and explains the fix', () => {
    const result = clusterSnapshotSchema.safeParse({
      collectedAt,
      namespaces: 'all',
      pods: [{ name: 'not-an-object' }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/pass the items of `kubectl get -o json`/);
  });

  it('accepts a minimal snapshot where nothing was collected, and diagnoses nothing', () => {
    expect(clusterSnapshotSchema.parse({ collectedAt, namespaces: ['shop'] })).toEqual({
      collectedAt,
      namespaces: ['shop'],
    });
  });
});
