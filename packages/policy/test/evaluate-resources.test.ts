import { describe, expect, it } from 'vitest';

import { evaluate, parsePolicyConfig } from '@kubently/policy';

import { configMapsRestricted, fullAccess } from './policy-fixtures.js';

// [typed, canonical plural, group]
const resolution: [string, string, string][] = [
  ['pods', 'pods', ''],
  ['pod', 'pods', ''],
  ['po', 'pods', ''],
  ['Pod', 'pods', ''],
  ['PODS', 'pods', ''],
  ['pods.v1.', 'pods', ''],
  ['cm', 'configmaps', ''],
  ['configmap', 'configmaps', ''],
  ['configmaps', 'configmaps', ''],
  ['configmap.v1', 'configmaps', ''],
  ['ConfigMap', 'configmaps', ''],
  ['secret', 'secrets', ''],
  ['secrets', 'secrets', ''],
  ['Secret', 'secrets', ''],
  ['secrets.v1.', 'secrets', ''],
  ['svc', 'services', ''],
  ['ep', 'endpoints', ''],
  ['ev', 'events', ''],
  ['events', 'events', ''],
  ['events.events.k8s.io', 'events', 'events.k8s.io'],
  ['events.v1.events.k8s.io', 'events', 'events.k8s.io'],
  ['ns', 'namespaces', ''],
  ['no', 'nodes', ''],
  ['pv', 'persistentvolumes', ''],
  ['pvc', 'persistentvolumeclaims', ''],
  ['rc', 'replicationcontrollers', ''],
  ['quota', 'resourcequotas', ''],
  ['limits', 'limitranges', ''],
  ['sa', 'serviceaccounts', ''],
  ['cs', 'componentstatuses', ''],
  ['deploy', 'deployments', 'apps'],
  ['deployment', 'deployments', 'apps'],
  ['deployments.apps', 'deployments', 'apps'],
  ['deploy.v1.apps', 'deployments', 'apps'],
  ['Deployment.apps', 'deployments', 'apps'],
  ['ds', 'daemonsets', 'apps'],
  ['sts', 'statefulsets', 'apps'],
  ['rs', 'replicasets', 'apps'],
  ['controllerrevisions', 'controllerrevisions', 'apps'],
  ['hpa', 'horizontalpodautoscalers', 'autoscaling'],
  ['horizontalpodautoscalers.v2.autoscaling', 'horizontalpodautoscalers', 'autoscaling'],
  ['cj', 'cronjobs', 'batch'],
  ['jobs', 'jobs', 'batch'],
  ['job.batch', 'jobs', 'batch'],
  ['ing', 'ingresses', 'networking.k8s.io'],
  ['netpol', 'networkpolicies', 'networking.k8s.io'],
  ['ingressclasses', 'ingressclasses', 'networking.k8s.io'],
  ['pdb', 'poddisruptionbudgets', 'policy'],
  ['pc', 'priorityclasses', 'scheduling.k8s.io'],
  ['sc', 'storageclasses', 'storage.k8s.io'],
  ['csidrivers', 'csidrivers', 'storage.k8s.io'],
  ['volumeattachments', 'volumeattachments', 'storage.k8s.io'],
  ['crd', 'customresourcedefinitions', 'apiextensions.k8s.io'],
  ['crds', 'customresourcedefinitions', 'apiextensions.k8s.io'],
  ['apiservices', 'apiservices', 'apiregistration.k8s.io'],
  ['csr', 'certificatesigningrequests', 'certificates.k8s.io'],
  ['leases', 'leases', 'coordination.k8s.io'],
  ['endpointslices', 'endpointslices', 'discovery.k8s.io'],
  ['flowschemas', 'flowschemas', 'flowcontrol.apiserver.k8s.io'],
  ['clusterroles', 'clusterroles', 'rbac.authorization.k8s.io'],
  ['rolebindings.rbac.authorization.k8s.io', 'rolebindings', 'rbac.authorization.k8s.io'],
  ['runtimeclasses', 'runtimeclasses', 'node.k8s.io'],
  ['resourceclaims', 'resourceclaims', 'resource.k8s.io'],
  ['validatingwebhookconfigurations', 'validatingwebhookconfigurations', 'admissionregistration.k8s.io'],
  ['mutatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'admissionregistration.k8s.io'],
  ['widgets', 'widgets', ''],
  ['widgets.example.com', 'widgets', 'example.com'],
  ['widgets.v1alpha1.example.com', 'widgets', 'example.com'],
  ['certificates.cert-manager.io', 'certificates', 'cert-manager.io'],
  ['all', 'all', ''],
];

describe('resource resolution', () => {
  it.each(resolution)('resolves %j to %s (group %j)', (typed, resource, group) => {
    const decision = evaluate(['get', typed]);
    expect(decision.allowed, decision.reason).toBe(true);
    expect(decision.resources).toEqual([
      { input: typed, resource, group, restricted: resource === 'secrets' },
    ]);
  });

  it('reads TYPE/NAME, comma lists and names', () => {
    expect(evaluate('get pods/web-1 svc/web').resources.map((r) => r.resource)).toEqual(['pods', 'services']);
    expect(evaluate('get pods/web-1 svc/web').names).toEqual(['web-1', 'web']);
    expect(evaluate('get pods,svc,deploy').resources.map((r) => r.resource)).toEqual([
      'pods',
      'services',
      'deployments',
    ]);
    expect(evaluate('get pods web-1 web-2').names).toEqual(['web-1', 'web-2']);
    expect(evaluate('get all').resources).toEqual([
      { input: 'all', resource: 'all', group: '', restricted: false },
    ]);
    expect(evaluate('logs deploy/web').resources.map((r) => r.resource)).toEqual(['deployments']);
    expect(evaluate('logs web-1').resources.map((r) => r.resource)).toEqual(['pods']);
    expect(evaluate('logs web-1').names).toEqual(['web-1']);
  });

  const malformed: [string, string][] = [
    ['get pods web-1/x', 'mixing'],
    ['get pods/web-1 svc', 'mixing'],
    ['get pods/a/b', 'TYPE/NAME'],
    ['get /web', 'TYPE/NAME'],
    ['get pods/', 'TYPE/NAME'],
    ['get pods,svc/web', 'single type'],
    ['get pods,', 'empty entry'],
    ['get ,pods', 'empty entry'],
    ['get pods..x', 'not a resource type'],
    ['get po_ds', 'not a resource type'],
    ['get pods web_1!', 'characters'],
    ['get pods $(id)', 'characters'],
    ['get pods `id`', 'characters'],
    ['get pods |', 'characters'],
    ['get pods ;', 'characters'],
    ['get pods >', 'characters'],
    ['get pods &&', 'characters'],
    ['get pods *', 'characters'],
    ['get pods;id', 'not a resource type'],
    ['get $(id)', 'not a resource type'],
    ['get', 'no resource type'],
    ['describe', 'no resource type'],
    ['explain', 'exactly one'],
    ['explain pods svc', 'exactly one'],
    ['logs web-1 app extra', 'too many'],
    ['top pod a b', 'name argument'],
    ['api-resources pods', 'takes none'],
    ['version pods', 'takes none'],
    ['cluster-info pods', 'takes none'],
    ['events pods', 'takes none'],
    ['auth can-i get pods web extra', 'can-i takes'],
    ['auth can-i GET pods', 'not an API verb'],
    ['auth can-i get /health;id', 'non-resource URL'],
    ['events --for $(id)', 'TYPE/NAME'],
  ];
  it.each(malformed)('denies malformed %j', (command, fragment) => {
    const decision = evaluate(command);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain(fragment);
  });
});

describe('Secrets', () => {
  const safe = [
    'get secrets',
    'get secret',
    'get Secret',
    'get SECRETS',
    'get secrets -A',
    'get -A secrets',
    'get -n x secrets',
    'get secrets -o wide',
    'get secrets -o name',
    'get secret/foo',
    'get secrets foo bar',
    'get secrets --show-labels -L app',
    'get secrets.v1.',
    'explain secrets',
    'explain secret.data',
    'auth can-i get secrets',
    'auth can-i list secrets -A',
    'events --for secret/foo',
    'get all',
    'get all -o yaml',
  ];
  it.each(safe)('allows %j without redaction (no values in the output)', (command) => {
    const decision = evaluate(command);
    expect(decision.allowed, decision.reason).toBe(true);
    expect(decision.needsRedaction).toBe(false);
  });

  const redacted = [
    'get secrets -o json',
    'get secrets -o yaml',
    'get secret foo -o yaml',
    'get secret/foo -ojson',
    'get secrets -o=yaml',
    'get secrets --output json',
    'get secrets -o YAML',
    'get secrets -o kyaml',
    'get -A secrets -o json',
    'get secrets.v1. -o yaml',
    'get Secret foo -o json',
    'get all,secrets -o yaml',
    'get pods,secrets -o json',
    'get secret/a pod/b -o yaml',
    'get secrets -o yaml --show-managed-fields',
    // describe prints the token of a service-account-token Secret whole.
    'describe secret foo',
    'describe secrets -A',
    'describe secret/foo',
    'describe secret/a secret/b',
    'describe secrets -l app=db',
    'describe secrets.v1. foo',
    'describe Secret,secrets',
  ];
  it.each(redacted)('allows %j with needsRedaction', (command) => {
    const decision = evaluate(command);
    expect(decision.allowed, decision.reason).toBe(true);
    expect(decision.needsRedaction).toBe(true);
    expect(
      decision.resources.some((resource) => resource.resource === 'secrets' && resource.restricted),
    ).toBe(true);
  });

  const deniedOutputs = [
    "get secret/foo -o jsonpath='{.data.password}'",
    'get secret foo -o jsonpath={.data}',
    'get secrets -o=jsonpath={.items[*].data}',
    'get secrets -ojsonpath={.items}',
    'get secrets -o jsonpath-as-json={.items}',
    "get secrets -o go-template='{{.data}}'",
    'get secrets -o template={{.data}}',
    'get secrets -o custom-columns=D:.data',
    "get secrets --template='{{.data}}'",
    'get secrets --sort-by=.data.password',
    'get all,secrets -o jsonpath={.items}',
    'get secrets.v1. -o go-template={{.}}',
    'get SECRET -o custom-columns=X:.data.x',
    'get secrets.example.com -o jsonpath={.spec}',
  ];
  it.each(deniedOutputs)('denies %j (templates cannot be redacted)', (command) => {
    const decision = evaluate(command);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toMatch(/cannot be redacted|leaks/);
  });

  it('denies non-redactable output on Secrets in every mode', () => {
    expect(evaluate('get secret foo -o jsonpath={.data}', fullAccess).allowed).toBe(false);
    expect(evaluate('create secret generic x --from-literal=a=b -o yaml', fullAccess).needsRedaction).toBe(
      true,
    );
    expect(evaluate('label secret foo a=b -o jsonpath={.data}', fullAccess).allowed).toBe(false);
  });

  it('denies logs of a Secret', () => {
    expect(evaluate('logs secret/foo').allowed).toBe(false);
  });
});

describe('configured restricted resources', () => {
  const denied = [
    'get cm',
    'get configmaps',
    'get configmap',
    'get ConfigMap',
    'get configmap.v1',
    'get configmaps.v1.',
    'get cm/app',
    'get pods,cm',
    'get all,configmaps -o yaml',
    'describe cm app',
    'describe configmap/app',
    'explain configmaps',
    'auth can-i get configmaps',
    'events --for configmap/app',
    'get -n x cm',
    'get cm -A',
  ];
  it.each(denied)('denies %j when configmaps are restricted', (command) => {
    const decision = evaluate(command, configMapsRestricted);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain('restricted');
  });

  it('treats a name spelling a restricted resource as one (conservative), nothing else', () => {
    expect(evaluate('get pods cm', configMapsRestricted).allowed).toBe(false);
    expect(evaluate('get pods cm-reader', configMapsRestricted).allowed).toBe(true);
    expect(evaluate('get pods -l app=cm', configMapsRestricted).allowed).toBe(true);
    expect(evaluate('logs configmap-reloader', configMapsRestricted).allowed).toBe(true);
  });

  it('restricts custom resources by the name given', () => {
    const config = parsePolicyConfig({ restrictedResources: ['sealedsecrets.bitnami.com', 'pods'] });
    expect(evaluate('get sealedsecrets', config).allowed).toBe(false);
    expect(evaluate('get sealedsecrets.bitnami.com', config).allowed).toBe(false);
    expect(evaluate('get pods', config).allowed).toBe(false);
    expect(evaluate('logs web-1', config).allowed).toBe(false);
    expect(evaluate('top pod', config).allowed).toBe(false);
    expect(evaluate('get svc', config).allowed).toBe(true);
  });

  it('restricts Secrets entirely when configured', () => {
    const config = parsePolicyConfig({ restrictedResources: ['secrets'] });
    expect(evaluate('get secrets', config).allowed).toBe(false);
    expect(evaluate('describe secret x', config).allowed).toBe(false);
  });
});
