import { describe, expect, it } from 'vitest';

import { evaluate } from '@kubently/policy';

import { configMapsRestricted, configs } from './policy-fixtures.js';

/** Bypasses found in peer projects' policies; each must stay denied in every mode. */
const bypasses: string[][] = [
  ['get', '--server=https://evil', 'pods'],
  ['get', '--', '--server=https://evil'],
  ['get', 'pods', '--', '--server=https://evil'],
  ['get', '--server', 'https://evil', 'pods'],
  ['get', 'pods', '-s', 'https://evil'],
  ['--server=https://evil', 'get', 'pods'],
  ['get', 'pods', '--kubeconfig=/tmp/evil'],
  ['get', 'pods', '--kubeconfig', '/tmp/evil'],
  ['--kubeconfig=/tmp/evil', 'get', 'pods'],
  ['--kubeconfig', '/tmp/evil', 'get', 'pods'],
  ['get', '--', '--kubeconfig=/tmp/evil'],
  ['get', 'pods', '--kubeconfig='],
  ['get', 'pods', '--as=system:admin'],
  ['get', 'pods', '--as', 'system:admin'],
  ['get', 'pods', '--as-group=system:masters'],
  ['get', 'pods', '--as_group=system:masters'],
  ['get', 'pods', '--as-uid=0'],
  ['get', '--raw', '/api/v1/namespaces/default/secrets'],
  ['get', '--raw=/api/v1/secrets'],
  ['get', '-f', 'evil.yaml'],
  ['get', '--filename=evil.yaml'],
  ['describe', '-f', 'https://evil/x.yaml'],
  ['get', 'pods', '--context=other'],
  ['get', 'pods', '--context', 'other'],
  ['--context=other', 'get', 'pods'],
  ['get', 'pods', '--cluster=other'],
  ['get', 'pods', '--user=admin'],
  ['get', 'pods', '--token=abc'],
  ['get', 'pods', '--insecure-skip-tls-verify'],
  ['get', 'pods', '--insecure_skip_tls_verify=true'],
  ['get', 'pods', '--certificate-authority=/tmp/ca'],
  ['get', 'pods', '--client-key=/tmp/k'],
  ['get', 'pods', '--client-certificate=/tmp/c'],
  ['get', 'pods', '--username=a', '--password=b'],
  ['get', 'pods', '--cache-dir=/tmp/x'],
  ['get', 'pods', '-k', '.'],
  ['get', 'secret/foo', '-o', 'jsonpath={.data.password}'],
  ['get', 'secret', 'foo', '-o', 'go-template={{index .data "password"}}'],
  ['get', 'secrets', '-o', 'custom-columns=PW:.data.password'],
  ['get', 'pods;', 'delete', 'pods', '--all'],
  ['get', 'pods', '|', 'kubectl', 'delete', '-f', '-'],
  ['get', 'pods', '&&', 'kubectl', 'delete', 'pods', '--all'],
  ['get', 'pods', '$(kubectl delete pods --all)'],
  ['get', 'pods', '`kubectl delete pods --all`'],
  ['get', 'pods', '>', '/etc/passwd'],
  ['delete', 'pods', '--all'],
  ['exec', 'web', '--', 'sh'],
  ['cp', 'web:/etc/shadow', '/tmp/x'],
  ['config', 'view', '--raw'],
  ['proxy', '--port=8001'],
  ['port-forward', 'web', '8080:80'],
  ['debug', 'node/node-1', '-it', '--image=busybox'],
  ['run', 'x', '--image=busybox'],
  ['attach', 'web'],
  ['cluster-info', 'dump'],
  ['auth', 'reconcile', '-f', 'x.yaml'],
  ['get', 'pods', '-v=10'],
  ['get', 'pods', '--v=10'],
  ['get', 'pods', '--kuberc=/tmp/evil'],
  ['get', 'pods', '-o', 'go-template-file=/var/run/secrets/kubernetes.io/serviceaccount/token'],
  ['get', 'pods', '--template=/var/run/secrets/kubernetes.io/serviceaccount/token', '-o', 'go-template-file'],
  ['logs', 'web', '--insecure-skip-tls-verify-backend'],
];

describe('known bypasses stay denied', () => {
  it.each(bypasses.map((argv) => [argv.join(' '), argv] as const))(
    'denies %s in readOnly',
    (_label, argv) => {
      const decision = evaluate(argv, configs.readOnly);
      expect(decision.allowed).toBe(false);
      expect(decision.reason.length).toBeGreaterThan(20);
    },
  );

  it('never lets a credential or target flag through, even in fullAccess', () => {
    for (const argv of bypasses.filter((tokens) =>
      tokens.some((token) =>
        /^--?(server|kubeconfig|context|as|raw|token|user|cluster|k$|s$|f$)/.test(token),
      ),
    )) {
      expect(evaluate(argv, configs.fullAccess).allowed, argv.join(' ')).toBe(false);
    }
  });

  it('denies configmaps when they are restricted (get cm)', () => {
    expect(evaluate('get cm', configMapsRestricted).allowed).toBe(false);
  });

  it('redacts get -A secrets -o json', () => {
    const decision = evaluate('get -A secrets -o json');
    expect(decision.allowed).toBe(true);
    expect(decision.needsRedaction).toBe(true);
    expect(decision.allNamespaces).toBe(true);
  });

  it('sees secrets after -n x (get -n x secrets -o yaml)', () => {
    const decision = evaluate('get -n x secrets -o yaml');
    expect(decision.needsRedaction).toBe(true);
    expect(decision.namespace).toBe('x');
  });

  it('sees secrets inside a comma list (get all,secrets -o yaml)', () => {
    expect(evaluate('get all,secrets -o yaml').needsRedaction).toBe(true);
  });

  it('denies jsonpath on secret/foo', () => {
    expect(evaluate("get secret/foo -o jsonpath='{.data}'").reason).toContain('cannot be redacted');
  });

  it('turns a tokenization error into a denied decision', () => {
    const decision = evaluate("get pods -o jsonpath='{.items}");
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain('unbalanced single quote');
  });

  it('denies control characters and oversized input', () => {
    expect(evaluate(['get', 'pods\nmalicious']).allowed).toBe(false);
    expect(evaluate(['get', 'pods\u0000']).allowed).toBe(false);
    expect(evaluate(['get', 'pods', '-l', 'x'.repeat(9000)]).reason).toContain('longer than');
    expect(evaluate(['get', ...Array.from({ length: 300 }, () => 'pods')]).reason).toContain('more than');
  });
});

describe('fuzz findings stay fixed', () => {
  it('redacts when a Secret is named outside a type position (label node Secret/db -o json)', () => {
    const decision = evaluate('label node Secret/db --output=json', configs.fullAccess);
    expect(decision.needsRedaction).toBe(true);
    expect(evaluate('taint deploy -ojson api-versions pods,secrets', configs.fullAccess).needsRedaction).toBe(
      true,
    );
  });

  it('redacts when any -o occurrence is structured, not only the last', () => {
    expect(evaluate('rollout history secrets -o=yaml -o wide').needsRedaction).toBe(true);
    expect(evaluate(['wait', 'secret', '-o=yaml', '--output', ''], configs.fullAccess).needsRedaction).toBe(
      true,
    );
  });

  it('denies templates when any -o occurrence is a template or a file', () => {
    expect(evaluate('get secrets -ojsonpath={.data} -ojson').allowed).toBe(false);
    expect(evaluate('get pods -ogo-template-file=/etc/passwd -ojson').allowed).toBe(false);
    expect(evaluate('get secret --template={{.data}} -o json').allowed).toBe(false);
  });

  it('denies restricted words in any positional (auth can-i configmaps, get pod/cm)', () => {
    expect(evaluate('auth can-i configmaps', configMapsRestricted).allowed).toBe(false);
    expect(evaluate('get pod/cm', configMapsRestricted).allowed).toBe(false);
    expect(evaluate('get pods pod/secrets -o jsonpath={.x}').allowed).toBe(false);
  });
});

describe('false positives that must pass', () => {
  const mustPass = [
    'get hpa',
    'get hpa -A',
    'get events',
    'get events -A --sort-by=.lastTimestamp',
    'get ev',
    'logs user-create-job',
    'logs job/user-create-job',
    'logs secret-rotator-7d9f',
    'logs deploy/secrets-manager',
    'logs web --tail=100',
    'get pods -l app=patch-manager',
    'get pods -l app=secret-store',
    'get pods -l app=delete-me',
    'get pods --field-selector=metadata.name=exec-runner',
    'describe deploy credit-api',
    'describe deploy kubeconfig-syncer',
    'describe pod server-0',
    'get pods delete-me',
    'get pods exec',
    'get pod token-refresher',
    'get configmaps',
    'get cm app-config -o yaml',
    'get pods -n server',
    'get pods -n as',
    'get pods -n delete',
    'get svc context-api',
    'get serviceaccounts',
    'get sa token-reviewer',
    'get roles,rolebindings -A',
    'get clusterrolebinding cluster-admin -o yaml',
    'get nodes -o wide',
    'get pv,pvc -A',
    'get ingress -A',
    'get networkpolicies',
    'get crd',
    'get certificates.cert-manager.io -A',
    'get leases -n kube-system',
    'describe node node-1',
    'top pods -A --sort-by=memory',
    'api-resources --verbs=list --namespaced -o name',
    'explain deployment.spec.strategy',
    'auth can-i delete pods',
    'auth can-i create deployments',
    'rollout history deploy/credit-api',
    'rollout status sts/db',
    'get pods -o jsonpath={.items[*].status.containerStatuses[*].restartCount}',
    "get pods -o custom-columns='NAME:.metadata.name,STATUS:.status.phase'",
    "get pods -o go-template='{{range .items}}{{.metadata.name}} {{end}}'",
  ];
  it.each(mustPass)('allows %j', (command) => {
    const decision = evaluate(command);
    expect(decision.allowed, decision.reason).toBe(true);
    expect(decision.needsRedaction).toBe(false);
  });
});
