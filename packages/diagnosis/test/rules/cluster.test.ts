import { checkRuleCases } from './rule-case.js';
import { clusterCases } from './cluster-cases.js';

checkRuleCases('cluster rules', clusterCases);
