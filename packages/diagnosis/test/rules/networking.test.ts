import { checkRuleCases } from './rule-case.js';
import { networkingCases } from './networking-cases.js';

checkRuleCases('networking rules', networkingCases);
