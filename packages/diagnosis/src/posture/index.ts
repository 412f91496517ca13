import type { Rule } from '../rules/rule.js';
import { postureDefaultTokenAutomountRule } from './posture-default-token-automount.js';
import { postureHostNamespaceRule } from './posture-host-namespace.js';
import { postureHostPathRule } from './posture-host-path.js';
import { postureMissingLimitsRule } from './posture-missing-limits.js';
import { postureMutableImageTagRule } from './posture-mutable-image-tag.js';
import { posturePrivilegedContainerRule } from './posture-privileged-container.js';
import { postureSecretInEnvRule } from './posture-secret-in-env.js';

export { isSecretLikeEnv } from './secret-like-env.js';
export { movingTagOf } from './posture-mutable-image-tag.js';

/**
 * Security posture rules (category `posture`): they run only when the caller includes posture,
 * never explain an incident and rank after every incident finding.
 */
export const postureRules: readonly Rule[] = [
  posturePrivilegedContainerRule,
  postureHostNamespaceRule,
  postureHostPathRule,
  postureSecretInEnvRule,
  postureDefaultTokenAutomountRule,
  postureMissingLimitsRule,
  postureMutableImageTagRule,
];
