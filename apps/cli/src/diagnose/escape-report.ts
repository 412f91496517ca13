import type { Evidence, Finding, Report, ResourceRef } from '@kubently/diagnosis';

import { escapeTerminal } from '../format/index.js';

const ref = (value: ResourceRef): ResourceRef => ({
  kind: escapeTerminal(value.kind),
  namespace: escapeTerminal(value.namespace),
  name: escapeTerminal(value.name),
});

const evidence = (item: Evidence): Evidence => {
  const common = { object: ref(item.object), command: escapeTerminal(item.command) };
  switch (item.type) {
    case 'field':
      return { ...item, ...common, path: escapeTerminal(item.path), value: escapeTerminal(item.value) };
    case 'event':
      return {
        ...item,
        ...common,
        reason: escapeTerminal(item.reason),
        message: escapeTerminal(item.message),
      };
    case 'absence':
      return { ...item, ...common, detail: escapeTerminal(item.detail) };
  }
};

const finding = (item: Finding): Finding => ({
  ...item,
  resource: ref(item.resource),
  summary: escapeTerminal(item.summary),
  rootCause: escapeTerminal(item.rootCause),
  remediation: escapeTerminal(item.remediation),
  evidence: item.evidence.map(evidence),
  affected: item.affected.map(ref),
});

/**
 * The report with every string a cluster (or a server) chose shown terminal-safe (`escapeTerminal`):
 * findings quote termination messages, events, probe output and names, and the table and Markdown
 * printers write them straight to the operator's terminal.
 */
export const escapeReport = (report: Report): Report => ({
  ...report,
  findings: report.findings.map(finding),
  symptoms: report.symptoms.map(finding),
  namespaces: report.namespaces === 'all' ? 'all' : report.namespaces.map(escapeTerminal),
});
