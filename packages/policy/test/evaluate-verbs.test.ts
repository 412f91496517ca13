import { describe, expect, it } from 'vitest';

import { evaluate } from '@kubently/policy';

import { configs } from './policy-fixtures.js';
import type { ConfigName } from './policy-fixtures.js';

// [command, lowest mode that allows it, or 'never']
const verbTable: [string, ConfigName | 'never'][] = [
  ['get pods', 'readOnly'],
  ['describe pod web-1', 'readOnly'],
  ['logs web-1', 'readOnly'],
  ['top pod', 'readOnly'],
  ['top pods -A', 'readOnly'],
  ['top po web-1', 'readOnly'],
  ['top node', 'readOnly'],
  ['top nodes', 'readOnly'],
  ['top no node-1', 'readOnly'],
  ['events', 'readOnly'],
  ['events -A', 'readOnly'],
  ['explain pods', 'readOnly'],
  ['explain deployments.spec.template', 'readOnly'],
  ['api-resources', 'readOnly'],
  ['api-versions', 'readOnly'],
  ['version', 'readOnly'],
  ['version --client -o json', 'readOnly'],
  ['cluster-info', 'readOnly'],
  ['rollout history deploy/web', 'readOnly'],
  ['rollout status deploy/web', 'readOnly'],
  ['rollout status deployment web --watch=false', 'readOnly'],
  ['auth can-i get pods', 'readOnly'],
  ['auth can-i --list', 'readOnly'],
  ['auth can-i get /healthz', 'readOnly'],
  ['auth whoami', 'readOnly'],
  ['auth whoami -o yaml', 'readOnly'],
  ['get pods -w', 'extendedReadOnly'],
  ['get pods --watch-only', 'extendedReadOnly'],
  ['events --watch', 'extendedReadOnly'],
  ['logs -f --tail=100 web-1', 'extendedReadOnly'],
  ['logs --follow --since=5m web-1', 'extendedReadOnly'],
  ['logs -f --limit-bytes=10000 web-1', 'extendedReadOnly'],
  ['delete pod web-1', 'fullAccess'],
  ['scale deploy/web --replicas=3', 'fullAccess'],
  ['label pod web-1 team=a', 'fullAccess'],
  ['annotate pod web-1 note=x --overwrite', 'fullAccess'],
  ['patch deploy web -p {"spec":{"replicas":2}}', 'fullAccess'],
  ['cordon node-1', 'fullAccess'],
  ['uncordon node-1', 'fullAccess'],
  ['drain node-1 --ignore-daemonsets', 'fullAccess'],
  ['taint nodes node-1 key=value:NoSchedule', 'fullAccess'],
  ['expose deploy web --port=80', 'fullAccess'],
  ['autoscale deploy web --min=2 --max=5', 'fullAccess'],
  ['wait --for=condition=Ready pod/web-1', 'fullAccess'],
  ['rollout restart deploy/web', 'fullAccess'],
  ['rollout undo deploy/web --to-revision=2', 'fullAccess'],
  ['rollout pause deploy/web', 'fullAccess'],
  ['rollout resume deploy/web', 'fullAccess'],
  ['set image deploy/web app=nginx:1.27', 'fullAccess'],
  ['set env deploy/web LOG=debug', 'fullAccess'],
  ['set resources deploy/web --limits=cpu=200m', 'fullAccess'],
  ['certificate approve csr-1', 'fullAccess'],
  ['certificate deny csr-1', 'fullAccess'],
  ['cluster-info dump', 'fullAccess'],
  ['apply view-last-applied deploy/web', 'fullAccess'],
  ['exec web-1 -- ls /', 'fullAccess'],
  ['exec -it web-1 -c app -- sh -c "curl -s http://x"', 'fullAccess'],
  ['attach web-1 -c app', 'fullAccess'],
  ['run tmp --image=busybox --restart=Never -- sleep 10', 'fullAccess'],
  ['debug web-1 --image=busybox --target=app', 'fullAccess'],
  ['create deployment web --image=nginx', 'fullAccess'],
  ['create deploy web --image=nginx', 'fullAccess'],
  ['create namespace team-a', 'fullAccess'],
  ['create ns team-a', 'fullAccess'],
  ['create configmap app --from-literal=a=b', 'fullAccess'],
  ['create cm app --from-literal=a=b', 'fullAccess'],
  ['create secret generic app --from-literal=a=b', 'fullAccess'],
  [
    'create secret docker-registry reg --docker-server=r.example --docker-username=u --docker-password=p',
    'fullAccess',
  ],
  ['create serviceaccount bot', 'fullAccess'],
  ['create job once --image=busybox', 'fullAccess'],
  ['create cronjob nightly --image=busybox --schedule=0_0_*_*_*', 'fullAccess'],
  ['create service clusterip web --tcp=80:8080', 'fullAccess'],
  ['create role reader --verb=get --resource=pods', 'fullAccess'],
  ['create rolebinding reader --role=reader --group=devs', 'fullAccess'],
  ['create quota q --hard=pods=10', 'fullAccess'],
  ['create pdb web --selector=app=web --min-available=1', 'fullAccess'],
  ['config view', 'never'],
  ['config use-context other', 'never'],
  ['config set-credentials x --token=y', 'never'],
  ['plugin list', 'never'],
  ['kustomize .', 'never'],
  ['edit deploy web', 'never'],
  ['cp web-1:/etc/passwd /tmp/x', 'never'],
  ['proxy', 'never'],
  ['port-forward web-1 8080:80', 'never'],
  ['apply -f x.yaml', 'never'],
  ['replace -f x.yaml', 'never'],
  ['diff -f x.yaml', 'never'],
  ['completion bash', 'never'],
  ['alpha', 'never'],
  ['options', 'never'],
  ['help', 'never'],
  ['create token default', 'never'],
  ['create secret tls t --cert=c --key=k', 'never'],
  ['auth reconcile -f x.yaml', 'never'],
  ['apply edit-last-applied deploy/web', 'never'],
  ['krew install evil', 'never'],
  ['foo', 'never'],
  ['neat get pods', 'never'],
  ['sh -c id', 'never'],
  ['Get pods', 'never'],
  ['GET pods', 'never'],
  ['rollout', 'never'],
  ['rollout bogus deploy/web', 'never'],
  ['top', 'never'],
  ['top bogus', 'never'],
  ['auth', 'never'],
  ['auth bogus', 'never'],
  ['set', 'never'],
  ['create', 'never'],
  ['create bogus x', 'never'],
  ['certificate', 'never'],
  ['', 'never'],
  ['kubectl', 'never'],
];

const order: (ConfigName | 'never')[] = ['readOnly', 'extendedReadOnly', 'fullAccess', 'never'];

describe('verbs and subcommands per mode', () => {
  for (const [command, lowest] of verbTable) {
    for (const mode of ['readOnly', 'extendedReadOnly', 'fullAccess'] as const) {
      const expected = order.indexOf(lowest) <= order.indexOf(mode);
      it(`${expected ? 'allows' : 'denies'} ${JSON.stringify(command)} in ${mode}`, () => {
        const decision = evaluate(command, configs[mode]);
        expect(decision.allowed, decision.reason).toBe(expected);
        if (!expected) expect(decision.reason).toMatch(/^denied: /);
      });
    }
  }

  it('names the denied verb and the fix', () => {
    const decision = evaluate(['delete', 'pod', 'x']);
    expect(decision.reason).toContain('"delete"');
    expect(decision.reason).toContain('readOnly');
    expect(decision.verb).toBe('delete');
  });

  it('calls unknown verbs plugins that are never run', () => {
    expect(evaluate('krew install evil').reason).toContain('plugins are never run');
  });

  it('reports the subcommand of two-word commands', () => {
    expect(evaluate('rollout history deploy/web').subcommand).toBe('history');
    expect(evaluate('auth can-i get pods').subcommand).toBe('can-i');
    expect(evaluate('top pods').subcommand).toBe('pod');
    expect(evaluate('get pods').subcommand).toBeNull();
  });

  it('lists the subcommands when one is missing', () => {
    expect(evaluate('rollout deploy/web').reason).toMatch(/history.*status/);
  });
});
