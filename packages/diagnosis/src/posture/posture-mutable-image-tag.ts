import type { FindingDraft } from '../model/finding.js';
import type { Rule } from '../rules/rule.js';
import { listNames } from '../util/text.js';
import { containerEvidence, postureTemplates, workloadName } from './template-containers.js';

/**
 * Tags that by convention move to a new image (a branch or channel). A version tag can be
 * re-pushed too, but pinning one is the usual release practice; only a digest is immutable.
 */
const movingTags = new Set([
  'latest',
  'main',
  'master',
  'dev',
  'develop',
  'edge',
  'nightly',
  'stable',
  'canary',
]);

/** `redis`, `redis:latest`, `ghcr.io/a/b:main` → the moving tag; `b:1.2.3`, `b@sha256:...` → undefined. */
export const movingTagOf = (image: string): string | undefined => {
  if (image.includes('@')) return undefined;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon === -1) return 'latest (no tag)';
  const tag = lastSegment.slice(colon + 1);
  return movingTags.has(tag.toLowerCase()) ? tag : undefined;
};

export const postureMutableImageTagRule: Rule = {
  id: 'posture-mutable-image-tag',
  title: 'Image referenced by a moving tag (latest, none, a branch name) instead of a version or digest',
  category: 'posture',
  run: (context) =>
    postureTemplates(context).flatMap((template): FindingDraft[] => {
      const offenders = template.containers.flatMap((container) => {
        const image = container.container.image ?? '';
        const tag = image === '' ? undefined : movingTagOf(image);
        return tag === undefined ? [] : [{ container, image, tag }];
      });
      if (offenders.length === 0) return [];
      const images = [...new Set(offenders.map(({ image }) => image))];
      return [
        {
          rule: 'posture-mutable-image-tag',
          severity: 'info',
          resource: template.workload,
          causeKey: images.join(','),
          summary: `${workloadName(template.workload)} runs ${listNames(images)} by a moving tag`,
          rootCause: `${listNames(offenders.map(({ container, tag }) => `${container.name} (${tag})`))} ${offenders.length === 1 ? 'names' : 'name'} a tag that moves: two pods of one ReplicaSet can run different code, a restart silently upgrades, a rollback goes to whatever the tag points at now, and a compromised registry push reaches the cluster without a change to the spec.`,
          evidence: containerEvidence(
            template,
            offenders.map(({ container, image }) => ({ container, field: 'image', value: image })),
          ),
          remediation:
            'Pin each image to a version tag, or better its digest (`image: repo/name:1.4.2@sha256:...`), and roll forward by changing the spec.',
        },
      ];
    }),
};
