import { checkRuleCases } from './rule-case.js';
import { podsCases } from './pods-cases.js';

checkRuleCases('pods rules', podsCases);
