import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { chartRbacRulesText } from '../apps/cli/src/manifests/index.js';

/** Writes the chart's executor RBAC rules from their one source (the CLI's manifests module). */
const target = fileURLToPath(
  new URL('../deploy/helm/kubently/files/executor-rbac-rules.json', import.meta.url),
);
writeFileSync(target, chartRbacRulesText());
process.stdout.write(`wrote ${target}\n`);
