import { expect, it } from 'vitest';
import { rules } from '../../src/index.js';
import { clusterCases } from './cluster-cases.js';
import { impactCases } from './impact-cases.js';
import { networkingCases } from './networking-cases.js';
import { podsCases } from './pods-cases.js';
import { templatesCases } from './templates-cases.js';
import { workloadsCases } from './workloads-cases.js';

it('every built-in rule has at least one table case', () => {
  const covered = new Set(
    [
      ...podsCases,
      ...templatesCases,
      ...workloadsCases,
      ...networkingCases,
      ...clusterCases,
      ...impactCases,
    ].map((item) => item.rule),
  );
  expect(rules.map((rule) => rule.id).filter((id) => !covered.has(id))).toEqual([]);
});
