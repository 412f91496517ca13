import { defaultPolicyConfig, parsePolicyConfig } from '@kubently/policy';
import type { PolicyConfig } from '@kubently/policy';

export const readOnly: PolicyConfig = defaultPolicyConfig('readOnly');
export const extendedReadOnly: PolicyConfig = defaultPolicyConfig('extendedReadOnly');
export const fullAccess: PolicyConfig = parsePolicyConfig({
  mode: 'fullAccess',
  fullAccessAcknowledged: true,
});
export const configMapsRestricted: PolicyConfig = parsePolicyConfig({ restrictedResources: ['configmaps'] });

export const configs = { readOnly, extendedReadOnly, fullAccess } as const;
export type ConfigName = keyof typeof configs;
