import { checkRuleCases } from './rule-case.js';
import { impactCases } from './impact-cases.js';

checkRuleCases('severity and ownership follow impact', impactCases);
