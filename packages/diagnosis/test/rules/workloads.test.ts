import { checkRuleCases } from './rule-case.js';
import { workloadsCases } from './workloads-cases.js';

checkRuleCases('workloads rules', workloadsCases);
