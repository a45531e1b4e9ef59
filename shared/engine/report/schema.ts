/**
 * The JSON report's schema: a zod description of ReportInput (checked against the TypeScript type by
 * `satisfies`), from which the published JSON Schema (draft 2020-12) is generated, so the two cannot drift.
 */
import { z } from 'zod';
import { REPORT_SCHEMA_ID, REPORT_SECTIONS, REPORT_VERSION, type ReportInput } from '../../domain/report.ts';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const optionalSha = z.union([sha256, z.literal('')]);
const count = z.number().int().min(0);
const prob = z.number().min(0).max(1);
const scalar = z.union([z.number(), z.string(), z.boolean()]);

const resultBlock = z.object({
  title: z.string(),
  kind: z.string(),
  datasetName: z.string(),
  resultSha256: optionalSha,
  createdAt: z.string(),
  summary: z.array(z.string()),
  table: z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))) }).strict().nullable(),
  bars: z.array(z.object({ label: z.string(), value: z.number() }).strict()).nullable(),
}).strict();

export const reportInputSchema = z
  .object({
    reportVersion: z.literal(REPORT_VERSION),
    generatedAt: z.string(),
    tool: z.object({ name: z.literal('assay'), version: z.string() }).strict(),
    sections: z.array(z.enum(REPORT_SECTIONS)),
    case: z
      .object({
        id: z.string(),
        name: z.string(),
        analyst: z.string(),
        createdAt: z.string(),
        folder: z.string(),
        incident: z.object({ declared: z.boolean(), reference: z.string(), severity: z.string().nullable() }).strict(),
        notes: z.string(),
      })
      .strict(),
    verdict: z
      .object({
        level: z.enum(['evidence', 'no-evidence', 'inconclusive']),
        headline: z.string(),
        confidence: z.string(),
        where: z.array(
          z
            .object({
              datasetName: z.string(),
              className: z.string(),
              rows: count,
              flagged: count,
              detectors: z.array(z.string()),
              contamination: prob.nullable(),
              pValue: prob.nullable(),
            })
            .strict(),
        ),
      })
      .strict(),
    evidence: z.array(
      z
        .object({
          item: z.string(),
          kind: z.enum(['dataset', 'result', 'manifest', 'audit-log', 'file']),
          path: z.string().nullable(),
          sha256,
          sizeBytes: count.nullable(),
          collectedBy: z.string(),
          collectedAt: z.string(),
          status: z.enum(['ok', 'changed', 'missing', 'unreadable', 'generated', 'stored']),
        })
        .strict(),
    ),
    custody: z
      .object({
        auditEntries: count,
        auditHead: sha256,
        verified: z.boolean(),
        verifiedEntries: count,
        firstBad: z.object({ line: count, seq: count.nullable(), reason: z.string() }).strict().nullable(),
        caseProblems: z.array(z.string()),
      })
      .strict(),
    findings: z.array(
      z
        .object({
          detector: z.string(),
          title: z.string(),
          datasetName: z.string(),
          datasetSha256: sha256,
          resultSha256: optionalSha,
          flagMode: z.enum(['budget', 'fdr', 'rule']),
          flagNote: z.string(),
          params: z.record(z.string(), scalar),
          classes: z.array(
            z
              .object({
                className: z.string(),
                rows: count,
                flagged: count,
                contamination: prob.nullable(),
                pValue: prob.nullable(),
                verdict: z.enum(['suspicious', 'clear', 'untested']),
              })
              .strict(),
          ),
          histogram: z.object({ edges: z.array(z.number()), all: z.array(count), flagged: z.array(count) }).strict(),
          flaggedTotal: count,
          flaggedRows: z.array(
            z.object({ row: count, id: z.string().nullable(), className: z.string(), score: z.number(), pValue: prob.nullable() }).strict(),
          ),
          atlas: z.array(z.string()),
          seconds: z.number().min(0),
        })
        .strict(),
    ),
    quarantine: z.array(
      z
        .object({
          name: z.string(),
          origin: z.string(),
          datasetName: z.string(),
          datasetSha256: sha256,
          createdAt: z.string(),
          rows: z.array(z.object({ row: count, label: z.string(), detectors: z.array(z.string()) }).strict()),
        })
        .strict(),
    ),
    influence: z.array(resultBlock),
    drift: z.array(resultBlock),
    privacy: z.array(resultBlock),
    threats: z.array(
      z
        .object({
          worksheet: z.string(),
          heat: z.array(z.array(count).length(5)).length(5),
          threats: z.array(
            z
              .object({
                title: z.string(),
                probability: prob,
                impact: z.number().min(0).max(10),
                inherent: z.number().min(0),
                residual: z.number().min(0),
                atlas: z.array(z.string()),
                decision: z.string().nullable(),
              })
              .strict(),
          ),
          inherentTotal: z.number().min(0),
          residualTotal: z.number().min(0),
          tolerance: z.number().nullable(),
          accepted: z.array(z.object({ threat: z.string(), decision: z.string(), by: z.string(), at: z.string(), rationale: z.string() }).strict()),
        })
        .strict(),
    ),
    atlas: z.array(
      z
        .object({
          id: z.string().regex(/^AML\.[A-Z]{1,2}\d{4}(?:\.\d{3})?$/),
          name: z.string(),
          tactics: z.array(z.string()),
          basis: z.array(z.string()),
          confidence: z.enum(['high', 'medium', 'low']),
        })
        .strict(),
    ),
    timeline: z.array(
      z
        .object({
          time: z.string(),
          actor: z.string(),
          action: z.string(),
          summary: z.string(),
          phase: z.string().nullable(),
          evidence: z.array(z.object({ label: z.string(), sha256: sha256.nullable() }).strict()),
        })
        .strict(),
    ),
    incident: z.array(
      z
        .object({
          phase: z.string(),
          title: z.string(),
          owner: z.string(),
          status: z.string(),
          started: z.string().nullable(),
          completed: z.string().nullable(),
          notes: z.string(),
        })
        .strict(),
    ),
    recommendations: z.array(z.string()),
    methods: z.array(
      z
        .object({
          title: z.string(),
          kind: z.string(),
          createdAt: z.string(),
          datasetSha256: z.string(),
          params: z.unknown(),
          seed: z.number().int().nullable(),
          resultSha256: optionalSha,
        })
        .strict(),
    ),
  })
  .strict() satisfies z.ZodType<ReportInput>;

/** The JSON report's JSON Schema (draft 2020-12); every JSON report names it in `$schema`. */
export const REPORT_JSON_SCHEMA: Record<string, unknown> = {
  ...(z.toJSONSchema(reportInputSchema.extend({ $schema: z.literal(REPORT_SCHEMA_ID) }), { target: 'draft-2020-12' }) as Record<string, unknown>),
  $id: REPORT_SCHEMA_ID,
  title: 'Assay investigation report',
};
