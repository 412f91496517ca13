import { z } from 'zod';

import { clusterIdSchema, namespaceSchema } from './identifiers.js';

/** The engine's severities, most severe first (mirrors `@kubently/diagnosis`). */
export const diagnosisSeverities = ['critical', 'warning', 'info'] as const;
export const diagnosisSeveritySchema = z.enum(diagnosisSeverities);

export const diagnoseLimits = { maxNamespaces: 100 } as const;

/** Opt-in finding categories (mirrors `@kubently/diagnosis`); incidents are always reported. */
export const diagnosisIncludes = ['posture'] as const;
export const diagnosisIncludeSchema = z.enum(diagnosisIncludes);

/** `incident`: broken or about to break; `posture`: a security weakness, only when included. */
export const findingCategorySchema = z.enum(['incident', 'posture']);

/** `POST /v1/clusters/:id/diagnose`. No body, or `{}`, diagnoses every namespace. */
export const diagnoseRequestSchema = z
  .object({
    namespaces: z
      .array(namespaceSchema)
      .min(1, 'namespaces must name at least one namespace; leave it out to diagnose all of them')
      .max(
        diagnoseLimits.maxNamespaces,
        `at most ${String(diagnoseLimits.maxNamespaces)} namespaces; leave it out to diagnose all of them`,
      )
      .optional(),
    minSeverity: diagnosisSeveritySchema.optional(),
    /** `["posture"]` adds security posture findings, ranked after every incident. */
    include: z.array(diagnosisIncludeSchema).max(diagnosisIncludes.length).optional(),
  })
  .strict();
export type DiagnoseRequest = z.infer<typeof diagnoseRequestSchema>;

const resourceRefSchema = z.object({ kind: z.string(), namespace: z.string(), name: z.string() });

const evidenceSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('field'),
    object: resourceRefSchema,
    path: z.string(),
    value: z.string(),
    command: z.string(),
  }),
  z.object({
    type: z.literal('event'),
    object: resourceRefSchema,
    reason: z.string(),
    message: z.string(),
    count: z.number(),
    lastSeen: z.string(),
    command: z.string(),
  }),
  z.object({
    type: z.literal('absence'),
    object: resourceRefSchema,
    detail: z.string(),
    command: z.string(),
  }),
]);

/** One finding of the diagnosis engine (see docs/diagnosis.md). */
export const diagnosisFindingSchema = z.object({
  id: z.string(),
  rule: z.string(),
  /** Absent from servers that predate posture findings: those are incidents. */
  category: findingCategorySchema.default('incident'),
  severity: diagnosisSeveritySchema,
  resource: resourceRefSchema,
  summary: z.string(),
  rootCause: z.string(),
  evidence: z.array(evidenceSchema),
  remediation: z.string(),
  affected: z.array(resourceRefSchema),
  causes: z.array(z.string()),
  causedBy: z.array(z.string()),
});
export type DiagnosisFinding = z.infer<typeof diagnosisFindingSchema>;

const count = z.number().int().nonnegative();

export const diagnosisReportSchema = z.object({
  /** Root causes, most severe first. */
  findings: z.array(diagnosisFindingSchema),
  /** Findings explained by a root cause (each names it in `causedBy`). */
  symptoms: z.array(diagnosisFindingSchema),
  summary: z.object({
    rootCauses: count,
    /** Posture findings; absent from servers that predate them. */
    posture: count.default(0),
    symptoms: count,
    bySeverity: z.object({ critical: count, warning: count, info: count }),
    rulesRun: count,
    objectsScanned: count,
  }),
  collectedAt: z.string(),
  generatedAt: z.string(),
  namespaces: z.union([z.literal('all'), z.array(z.string())]),
});
export type DiagnosisReport = z.infer<typeof diagnosisReportSchema>;

/** How the snapshot was collected: each kubectl command, and every kind that is missing and why. */
export const diagnosisCollectionSchema = z.object({
  durationMs: z.number().nonnegative(),
  commands: z.array(
    z.object({
      args: z.array(z.string()),
      ok: z.boolean(),
      items: count,
      ms: z.number().nonnegative(),
      bytes: count,
      truncated: z.boolean(),
      problem: z.string().optional(),
    }),
  ),
  warnings: z.array(
    z.object({
      kind: z.string(),
      resource: z.string(),
      namespaces: z.array(z.string()).optional(),
      problem: z.string(),
      message: z.string(),
      fix: z.string(),
      /** False: the kind is absent from the snapshot and rules that need it stayed silent. */
      kindKept: z.boolean(),
    }),
  ),
  collected: z.array(z.string()),
  missing: z.array(z.string()),
});
export type DiagnosisCollection = z.infer<typeof diagnosisCollectionSchema>;

/** What `POST /v1/clusters/:id/diagnose` answers: the report plus how it was collected. */
export const diagnoseResponseSchema = diagnosisReportSchema.extend({
  clusterId: clusterIdSchema,
  collection: diagnosisCollectionSchema,
});
export type DiagnoseResponse = z.infer<typeof diagnoseResponseSchema>;
