import { describe, expect, it } from 'vitest';

import { evaluate } from '@kubently/policy';

import { configs, extendedReadOnly, fullAccess, readOnly } from './policy-fixtures.js';

const alwaysRejected = [
  'kubeconfig',
  'context',
  'cluster',
  'user',
  'token',
  'server',
  'as',
  'as-group',
  'as-uid',
  'insecure-skip-tls-verify',
  'certificate-authority',
  'client-certificate',
  'client-key',
  'username',
  'password',
  'cache-dir',
  'filename',
  'kustomize',
  'raw',
  'tls-server-name',
  'kuberc',
  'v',
  'vmodule',
  'log-file',
] as const;

function spellings(name: string): string[][] {
  const underscored = name.replaceAll('-', '_');
  const forms = [
    ['get', 'pods', `--${name}=x`],
    ['get', 'pods', `--${name}`, 'x'],
    ['get', `--${name}=x`, 'pods'],
    [`--${name}=x`, 'get', 'pods'],
    [`--${name}`, 'x', 'get', 'pods'],
    ['kubectl', 'get', 'pods', `--${name}=x`],
    ['describe', 'pod', 'web', `--${name}=x`],
    ['logs', 'web', `--${name}=x`],
    ['get', 'pods', '-l', 'app=x', `--${name}=`],
  ];
  if (underscored !== name) forms.push(['get', 'pods', `--${underscored}=x`]);
  return forms;
}

describe('always-rejected flags, in every spelling and every mode', () => {
  for (const name of alwaysRejected) {
    for (const argv of spellings(name)) {
      it(`denies ${argv.join(' ')}`, () => {
        for (const config of Object.values(configs)) {
          const decision = evaluate(argv, config);
          expect(decision.allowed, decision.reason).toBe(false);
        }
        expect(evaluate(argv, fullAccess).reason).toMatch(/always rejected|not allowed/);
      });
    }
  }

  const shortForms: [string, string][] = [
    ['get pods -s https://evil', 'server'],
    ['get pods -shttps://evil', 'server'],
    ['get pods -s=https://evil', 'server'],
    ['-s https://evil get pods', 'server'],
    ['get pods -As https://evil', 'server'],
    ['get pods -Ashttps://evil', 'server'],
    ['get -f pod.yaml', 'filename'],
    ['get -fpod.yaml', 'filename'],
    ['describe -f pod.yaml', 'filename'],
    ['get -k ./dir', 'kustomize'],
    ['delete -k ./dir', 'kustomize'],
    ['get pods -v=9', 'v'],
    ['get pods -v 9', 'v'],
    ['-v9 get pods', 'v'],
  ];
  it.each(shortForms)('denies the short form %j (--%s)', (command, long) => {
    for (const config of Object.values(configs)) {
      const decision = evaluate(command, config);
      expect(decision.allowed).toBe(false);
      expect(decision.reason).toContain(`--${long}`);
    }
  });

  it('rejects a rejected flag hidden as the value of another flag', () => {
    expect(evaluate('get pods -l --server=https://evil').allowed).toBe(false);
    expect(evaluate('get pods --selector --kubeconfig=/x').allowed).toBe(false);
    expect(evaluate('get pods --sort-by --context').allowed).toBe(false);
  });
});

describe('flag grammar', () => {
  const namespaceForms: [string, string][] = [
    ['get pods -n kube-system', 'kube-system'],
    ['get pods -nkube-system', 'kube-system'],
    ['get pods -n=kube-system', 'kube-system'],
    ['get pods --namespace=kube-system', 'kube-system'],
    ['get pods --namespace kube-system', 'kube-system'],
    ['-n kube-system get pods', 'kube-system'],
    ['--namespace=kube-system get pods', 'kube-system'],
    ['kubectl -n kube-system get pods', 'kube-system'],
    ['get -n a pods -n kube-system', 'kube-system'],
    ['rollout -n kube-system history deploy/coredns', 'kube-system'],
  ];
  it.each(namespaceForms)('reads the namespace of %j', (command, namespace) => {
    const decision = evaluate(command);
    expect(decision.allowed, decision.reason).toBe(true);
    expect(decision.namespace).toBe(namespace);
  });

  const allNamespaces: [string, boolean][] = [
    ['get pods -A', true],
    ['get pods --all-namespaces', true],
    ['get pods --all_namespaces', true],
    ['get pods -A=true', true],
    ['get pods -A=false', false],
    ['get pods --all-namespaces=false', false],
    ['get pods', false],
  ];
  it.each(allNamespaces)('reads all-namespaces of %j', (command, expected) => {
    const decision = evaluate(command);
    expect(decision.allowed, decision.reason).toBe(true);
    expect(decision.allNamespaces).toBe(expected);
  });

  const allowed = [
    'get pods -o json',
    'get pods -ojson',
    'get pods -o=json',
    'get pods --output json',
    'get pods --output=yaml',
    'get pods -o wide',
    'get pods -o name',
    "get pods -o jsonpath='{.items[*].metadata.name}'",
    'get pods -o jsonpath="{.items[0].status.phase}"',
    'get pods -o=jsonpath={.items[*].spec.nodeName}',
    "get pods -o go-template='{{range .items}}{{.metadata.name}}{{end}}'",
    'get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName',
    "get pods --template='{{.kind}}'",
    'get pods -A -o wide --show-labels',
    'get pods -Ao wide',
    'get pods -l app=web,tier!=db',
    'get pods -lapp=web',
    "get pods -l 'app in (web, api)'",
    'get pods --selector=app=web',
    'get pods --field-selector=status.phase!=Running',
    'get pods --sort-by=.metadata.creationTimestamp',
    'get pods --no-headers --show-kind',
    'get pods -L app -L tier',
    'get pods --chunk-size=100',
    'get pods --ignore-not-found',
    'get pods --request-timeout=5s',
    'get deploy web --subresource=scale',
    'get pods --show-managed-fields -o yaml',
    'get pods --server-print=false',
    'get pods -- web-1',
    'describe pods -l app=web',
    'describe node node-1 --show-events=false',
    'logs web-1 -c app',
    'logs web-1 app',
    'logs web-1 --previous',
    'logs web-1 -p -c app --tail=50 --timestamps',
    'logs -pc app web-1',
    'logs deploy/web --all-containers',
    'logs job/user-create-job',
    'logs -l app=web --prefix --max-log-requests=10',
    'logs web-1 --since=1h',
    'logs web-1 --since-time=2024-01-01T00:00:00Z',
    'logs web-1 --limit-bytes=1000',
    'logs web-1 --tail -1',
    'top pod --containers --sort-by=cpu',
    'top node --sort-by=memory --no-headers',
    'events --for pod/web-1',
    'events --types=Warning -o yaml',
    'explain pods --recursive',
    'explain deployments --api-version=apps/v1',
    'explain pods --output=plaintext-openapiv2',
    'explain pods -o plaintext',
    'api-resources --namespaced=true --verbs=list -o name',
    'api-resources --api-group=apps --sort-by=name',
    'rollout history deploy/web --revision=2 -o yaml',
    'rollout status deploy/web --timeout=30s',
    'auth can-i create pods -n team-a',
    'auth can-i get pods --subresource=log',
    "auth can-i '*' '*' -A",
    'get pods --match-server-version --warnings-as-errors --disable-compression',
  ];
  it.each(allowed)('allows %j', (command) => {
    const decision = evaluate(command);
    expect(decision.allowed, decision.reason).toBe(true);
  });

  const denied: [string, string][] = [
    ['get pods --bogus', '--bogus'],
    ['get pods --bogus=1', '--bogus'],
    ['get pods -x', '-x'],
    ['get pods -Ax', '-x'],
    ['get pods --follow', '--follow'],
    ['describe pods -o yaml', '-o'],
    ['describe pods --output=yaml', '--output'],
    ['logs web-1 -o json', '-o'],
    ['logs web-1 --insecure-skip-tls-verify-backend', '--insecure-skip-tls-verify-backend'],
    ['get pods --recursive', '--recursive'],
    ['get pods -R', '-R'],
    ['version --short', '--short'],
    ['api-versions -o json', '-o'],
    ['-A get pods', 'put command flags after the command'],
    ['--all-namespaces get pods', 'put command flags after the command'],
    ['get pods -n', 'needs a value'],
    ['get pods -l', 'needs a value'],
    ['get pods --selector', 'needs a value'],
    ['get pods -n -A', 'looks like a flag'],
    ['get pods -l --x', 'looks like a flag'],
    ['get pods -A=maybe', 'boolean'],
    ['get pods --ignore-not-found=yes', 'boolean'],
    ['get pods -n Kube_System', 'not a valid namespace'],
    ['get pods -n ../etc', 'not a valid namespace'],
    ['get pods ---namespace=x', 'not a valid flag'],
    ['get pods -o go-template-file=/var/run/secrets/kubernetes.io/serviceaccount/token', 'template file'],
    ['get pods -o jsonpath-file=/etc/passwd', 'template file'],
    ['get pods -o custom-columns-file=/etc/passwd', 'template file'],
    ['get pods -o templatefile=/etc/passwd', 'template file'],
    ['get pods -o toml', 'unknown'],
    ['explain pods --output=json', 'plaintext'],
    ['explain pods -o json', 'plaintext'],
    ['-- get pods', 'before the verb'],
    ['get pods -w', 'extendedReadOnly'],
    ['get pods --watch=true', 'extendedReadOnly'],
    ['events -w', 'extendedReadOnly'],
    ['logs -f web-1 --tail=10', 'extendedReadOnly'],
  ];
  it.each(denied)('denies %j naming %j', (command, fragment) => {
    const decision = evaluate(command);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain(fragment);
  });

  it('allows --watch=false in readOnly (it does not stream)', () => {
    expect(evaluate('get pods --watch=false').allowed).toBe(true);
  });

  it('records flags with normalised names and values', () => {
    const decision = evaluate('get pods -A -o=json --all_namespaces -lapp=web');
    expect(decision.flags).toEqual([
      { name: 'all-namespaces', value: null },
      { name: 'output', value: 'json' },
      { name: 'all-namespaces', value: null },
      { name: 'selector', value: 'app=web' },
    ]);
  });

  it('requires a bound on past output for logs --follow in extendedReadOnly', () => {
    expect(evaluate('logs -f web-1', extendedReadOnly).reason).toContain('--tail=N');
    expect(evaluate('logs -f web-1 --tail=-1', extendedReadOnly).allowed).toBe(false);
    expect(evaluate('logs -f web-1 --tail=0', extendedReadOnly).allowed).toBe(true);
    expect(evaluate('logs -f=false web-1', readOnly).allowed).toBe(true);
  });

  it('does not take `logs -f` for --filename', () => {
    expect(evaluate('logs -f web-1 --tail=5', extendedReadOnly).allowed).toBe(true);
    expect(evaluate('get -f web-1').reason).toContain('--filename');
  });

  it('keeps the container command after -- for exec in fullAccess', () => {
    const decision = evaluate(
      ['exec', 'web-1', '--', 'curl', '-s', '--kubeconfig=/x', 'http://x'],
      fullAccess,
    );
    expect(decision.allowed, decision.reason).toBe(true);
    expect(decision.argv).toEqual(['exec', 'web-1', '--', 'curl', '-s', '--kubeconfig=/x', 'http://x']);
  });

  it('leaves out `set env --resolve` (it prints referenced Secret values)', () => {
    expect(evaluate('set env deploy/web --list --resolve', fullAccess).reason).toContain('--resolve');
  });

  it('rejects file-reading write flags in fullAccess', () => {
    for (const command of [
      'create configmap x --from-file=/etc/passwd',
      'create secret generic x --from-env-file=/etc/env',
      'patch deploy web --patch-file=/tmp/p',
      'debug web-1 --custom=/tmp/c.json --image=busybox',
      'cluster-info dump --output-directory=/tmp/x',
    ]) {
      const decision = evaluate(command, fullAccess);
      expect(decision.allowed, command).toBe(false);
      expect(decision.reason).toContain('always rejected');
    }
  });
});
