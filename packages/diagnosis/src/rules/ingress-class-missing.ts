import type { FindingDraft } from '../model/finding.js';
import { absenceEvidence } from '../util/evidence.js';
import { kubectlList } from '../util/kubectl.js';
import { ref, refOf } from '../util/resource-ref.js';
import type { Rule } from './rule.js';

const defaultClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';

export const ingressClassMissingRule: Rule = {
  id: 'ingress-class-missing',
  title: 'Ingress names an IngressClass that does not exist, or names none while no default class exists',
  run: (context) => {
    if (!context.has('ingressclasses')) return [];
    const classes = context.snapshot.ingressclasses ?? [];
    const hasDefault = classes.some(
      (item) => item.metadata?.annotations?.[defaultClassAnnotation] === 'true',
    );
    const drafts: FindingDraft[] = [];
    for (const ingress of context.snapshot.ingresses ?? []) {
      const resource = refOf('Ingress', ingress);
      const name =
        ingress.spec?.ingressClassName ?? ingress.metadata?.annotations?.['kubernetes.io/ingress.class'];
      const available = classes.map((item) => item.metadata?.name ?? '').join(', ') || 'none';
      if (name === undefined) {
        if (hasDefault) continue;
        drafts.push({
          rule: 'ingress-class-missing',
          severity: 'warning',
          resource,
          causeKey: 'no-class',
          summary: 'no ingress class set and no default IngressClass exists',
          rootCause: `spec.ingressClassName is empty and no IngressClass is marked default (available: ${available}); no controller serves this Ingress.`,
          evidence: [
            absenceEvidence(
              resource,
              'spec.ingressClassName unset; no default IngressClass',
              kubectlList('ingressclass', ''),
            ),
          ],
          remediation:
            'Set spec.ingressClassName to an installed class, or mark one IngressClass as default.',
        });
        continue;
      }
      if (context.get('IngressClass', '', name) !== undefined) continue;
      drafts.push({
        rule: 'ingress-class-missing',
        severity: 'critical',
        resource,
        causeKey: `missing:${name}`,
        summary: `IngressClass ${name} does not exist`,
        rootCause: `The Ingress asks for class "${name}", but only ${available} exist; no controller picks it up and it gets no address.`,
        evidence: [
          absenceEvidence(
            ref('IngressClass', '', name),
            `IngressClass ${name} not found`,
            kubectlList('ingressclass', ''),
          ),
        ],
        remediation: `Use an installed class (${available}) or install the controller for "${name}".`,
      });
    }
    return drafts;
  },
};
