import type { Report } from '../model/report.js';

/** The report as pretty JSON (`{findings, symptoms, summary, ...}`), stable key order. */
export const renderJson = (report: Report): string => `${JSON.stringify(report, null, 2)}\n`;
