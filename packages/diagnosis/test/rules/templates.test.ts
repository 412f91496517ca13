import { checkRuleCases } from './rule-case.js';
import { templatesCases } from './templates-cases.js';

checkRuleCases('templates rules', templatesCases);
