import type { FindingDraft, ResourceRef } from '../model/finding.js';
import { absenceEvidence, fieldEvidence } from '../util/evidence.js';
import { kubectlList } from '../util/kubectl.js';
import { ref } from '../util/resource-ref.js';
import { listNames } from '../util/text.js';
import type { Rule } from './rule.js';
import { templateImpact } from './template-impact.js';

const pullSecretTypes = ['kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg'];

export const missingImagePullSecretRule: Rule = {
  id: 'missing-image-pull-secret',
  title:
    'imagePullSecrets (pod template or ServiceAccount) naming a Secret that does not exist or is not a registry credential',
  run: (context) => {
    if (!context.has('secrets')) return [];
    const problems = new Map<string, { secret: ResourceRef; users: ResourceRef[]; wrongType?: string }>();
    const check = (namespace: string, name: string | undefined, user: ResourceRef): void => {
      if (name === undefined || name === '' || !context.sees(namespace)) return;
      const secret = context.secret(namespace, name);
      const wrongType =
        secret !== undefined && secret.type !== undefined && !pullSecretTypes.includes(secret.type)
          ? secret.type
          : undefined;
      if (secret !== undefined && wrongType === undefined) return;
      const key = `${namespace}/${name}`;
      const entry = problems.get(key) ?? {
        secret: ref('Secret', namespace, name),
        users: [],
        ...(wrongType === undefined ? {} : { wrongType }),
      };
      if (!entry.users.some((item) => item.kind === user.kind && item.name === user.name))
        entry.users.push(user);
      problems.set(key, entry);
    };
    for (const { workload, template } of context.workloadTemplates()) {
      for (const secret of template.spec?.imagePullSecrets ?? [])
        check(workload.namespace, secret.name, workload);
      const accountName = template.spec?.serviceAccountName ?? template.spec?.serviceAccount ?? 'default';
      const account = context.get('ServiceAccount', workload.namespace, accountName);
      for (const secret of account?.imagePullSecrets ?? []) check(workload.namespace, secret.name, workload);
    }
    return [...problems.values()].map(({ secret, users, wrongType }): FindingDraft => ({
      rule: 'missing-image-pull-secret',
      severity: templateImpact(context, users),
      resource: secret,
      causeKey: wrongType === undefined ? 'missing' : `type:${wrongType}`,
      summary:
        wrongType === undefined
          ? `image pull Secret ${secret.name} does not exist (used by ${listNames(users.map((user) => `${user.kind.toLowerCase()}/${user.name}`))})`
          : `image pull Secret ${secret.name} has type ${wrongType}, not a registry credential`,
      rootCause:
        wrongType === undefined
          ? `imagePullSecrets name Secret ${secret.name}, which does not exist in namespace ${secret.namespace}; pulls from a private registry fail with an authorization error.`
          : `Secret ${secret.name} is of type ${wrongType}; the kubelet only uses kubernetes.io/dockerconfigjson (or dockercfg) Secrets as pull credentials.`,
      evidence: [
        wrongType === undefined
          ? absenceEvidence(
              secret,
              `Secret ${secret.name} not found`,
              kubectlList('secret', secret.namespace),
            )
          : fieldEvidence(secret, 'type', wrongType),
      ],
      remediation: `Create it with \`kubectl create secret docker-registry ${secret.name} -n ${secret.namespace} --docker-server=... --docker-username=... --docker-password=...\`, or fix the name in imagePullSecrets.`,
      affected: users,
    }));
  },
};
