/**
 * Runtime validation of the contract's arguments (zod). Both transports run every call through `parseArgs`
 * before the host sees it: the IPC router in the main process and the served-mode server.
 */
import { z } from 'zod';
import { DETECTOR_NAMES } from '../domain/detector-catalog.ts';
import type { DetectorName } from '../domain/detectors.ts';
import { worksheetSchema } from '../domain/worksheet.ts';
import type { ApiArgs, ApiMethod } from './api.ts';
import { REPORT_FORMATS, REPORT_SECTIONS } from '../domain/report.ts';
import type { CaseQuarantineSet, Incident } from '../domain/case.ts';
import type { Worksheet } from '../domain/worksheet.ts';

const isPlainObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

const finite = z.number().finite();
const jobRef = z.object({ jobId: z.string().min(1).max(100) }).strict();
const datasetRef = z.object({ datasetId: z.string().min(1).max(100) }).strict();
const column = z.string().max(1000);
const testChoice = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rows'), rows: z.array(z.number().int().min(0)).min(1).max(1_000_000) }).strict(),
  z.object({ kind: z.literal('misclassified') }).strict(),
  z.object({ kind: z.literal('class'), classIndex: z.number().int().min(0) }).strict(),
  z.object({ kind: z.literal('all') }).strict(),
]);
/** One detector of a scan or a monitoring run, with its parameters. */
const detectorChoice = z
  .object({
    name: z.enum(DETECTOR_NAMES as [DetectorName, ...DetectorName[]]),
    params: z.record(z.string().max(100), z.union([finite, z.string().max(100), z.boolean()])),
  })
  .strict();
/** How a scan's scores become flags (FlagRule in shared/domain/detectors.ts). */
const flagRule = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('budget'), epsilon: finite.gt(0).max(0.5), budgetFactor: finite.gt(0).max(10) }).strict(),
  z.object({ mode: z.literal('fdr'), q: finite.gt(0).max(0.5) }).strict(),
  z.object({ mode: z.literal('rule') }).strict(),
]);

/** Argument schemas, one per method; `null` for methods without arguments. Both transports validate with these. */
export const apiArgSchemas = {
  getAppInfo: null,
  previewDataset: z.object({ path: z.string().min(1).max(4096) }).strict(),
  openDataset: z
    .object({
      path: z.string().min(1).max(4096),
      roles: z
        .object({
          label: column.nullable(),
          id: column.nullable(),
          features: z.array(column).max(100_000).nullable(),
          text: z.array(column).max(1000),
          group: column.nullable(),
        })
        .strict(),
      badRows: z.enum(['stop', 'skip']),
      labelsPath: z.string().min(1).max(4096).optional(),
      joinBy: z.enum(['row', 'id']).optional(),
    })
    .strict(),
  openSample: null,
  generateSynthetic: z
    .object({
      rows: z.number().int().min(20).max(5_000_000),
      dims: z.number().int().min(2).max(4096),
      classes: z.number().int().min(2).max(1000),
      poisonFraction: finite.min(0).max(0.49),
      seed: z.number().int().min(0).max(2 ** 31 - 1),
    })
    .strict(),
  listDatasets: null,
  getDatasetReport: datasetRef,
  getRows: z.object({ datasetId: z.string().min(1).max(100), start: z.number().int().min(0), count: z.number().int().min(0).max(10_000) }).strict(),
  findRow: z.object({ datasetId: z.string().min(1).max(100), id: z.string().max(10_000) }).strict(),
  listDirectory: z.object({ path: z.string().min(1).max(4096).nullable() }).strict(),
  getRow: z.object({ datasetId: z.string().min(1).max(100), index: z.number().int().min(0) }).strict(),
  getRowIds: z
    .object({ datasetId: z.string().min(1).max(100), indices: z.array(z.number().int().min(0)).max(10_000_000) })
    .strict(),
  getRowLabels: z
    .object({ datasetId: z.string().min(1).max(100), indices: z.array(z.number().int().min(0)).max(10_000_000) })
    .strict(),
  runScan: z
    .object({
      datasetId: z.string().min(1).max(100),
      detectors: z.array(detectorChoice).min(1).max(16),
      flag: flagRule,
      referenceDatasetId: z.string().min(1).max(100).nullable(),
    })
    .strict(),
  exportCleaned: z
    .object({
      datasetId: z.string().min(1).max(100),
      excludeRows: z.array(z.number().int().min(0)).max(50_000_000),
      path: z.string().min(1).max(4096),
    })
    .strict(),
  cancelJob: jobRef,
  listJobs: null,
  getJobResult: jobRef,
  importAtlas: z.object({ path: z.string().min(1).max(4096) }).strict(),
  exportWorksheet: z
    .object({ worksheet: worksheetSchema, path: z.string().min(1).max(4096), format: z.enum(['json', 'csv']), overwrite: z.boolean() })
    .strict(),
  importWorksheet: z.object({ path: z.string().min(1).max(4096) }).strict(),
  trainModel: z
    .object({
      datasetId: z.string().min(1).max(100),
      split: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('random'), testFraction: finite.gt(0).lt(1), seed: z.number().int().min(0).max(2 ** 31 - 1) }).strict(),
        z.object({ kind: z.literal('stratified'), testFraction: finite.gt(0).lt(1), seed: z.number().int().min(0).max(2 ** 31 - 1) }).strict(),
        z
          .object({ kind: z.literal('group'), column: z.string().min(1).max(10_000).optional(), value: z.string().max(10_000).nullable(), testFraction: finite.gt(0).lt(1), seed: z.number().int().min(0).max(2 ** 31 - 1) })
          .strict(),
        z.object({ kind: z.literal('dataset'), testDatasetId: z.string().min(1).max(100) }).strict(),
      ]),
      l2: finite.gt(0).max(1e6),
      tol: finite.gt(0).max(1).optional(),
      maxIter: z.number().int().min(1).max(100_000).optional(),
    })
    .strict(),
  computeInfluence: z
    .object({ modelId: z.string().min(1).max(100), test: testChoice, method: z.enum(['auto', 'exact', 'cg']) })
    .strict(),
  computeSelfInfluence: z.object({ modelId: z.string().min(1).max(100), rank: z.number().int().min(1).max(4096).optional() }).strict(),
  runWhatIf: z
    .object({ modelId: z.string().min(1).max(100), removeRows: z.array(z.number().int().min(0)).min(1).max(50_000_000), test: testChoice })
    .strict(),
  certifyRobustness: z
    .object({ modelId: z.string().min(1).max(100), buckets: z.number().int().min(2).max(100_000), excludeRows: z.array(z.number().int().min(0)).max(50_000_000) })
    .strict(),
  createCase: z.object({ folder: z.string().min(1).max(4096), name: z.string().max(200), analyst: z.string().max(200) }).strict(),
  openCase: z.object({ folder: z.string().min(1).max(4096) }).strict(),
  closeCase: null,
  getCase: null,
  listRecentCases: null,
  // Section contents are validated field by field by the case document's readers (shared/domain/case.ts) on the host.
  updateCase: z.discriminatedUnion('section', [
    z.object({ section: z.literal('quarantine'), value: z.array(z.custom<CaseQuarantineSet>(isPlainObject, 'a quarantine set object')).max(10_000) }).strict(),
    z.object({ section: z.literal('worksheets'), value: z.array(z.custom<Worksheet>(isPlainObject, 'a worksheet object')).max(10_000) }).strict(),
    z.object({ section: z.literal('incident'), value: z.custom<Incident>(isPlainObject, 'an incident object') }).strict(),
    z.object({ section: z.literal('notes'), value: z.string().max(1_000_000) }).strict(),
  ]),
  getStoredResult: z.object({ key: z.string().min(1).max(300), datasetId: z.string().min(1).max(100) }).strict(),
  verifyCaseAudit: null,
  runPrivacy: z
    .object({
      datasetId: z.string().min(1).max(100),
      pii: z.object({ columns: z.array(column).min(1).max(100) }).strict().nullable(),
      anonymity: z
        .object({
          quasiIdentifiers: z
            .array(z.object({ column, binWidth: finite.gt(0).nullable(), binOrigin: finite.optional() }).strict())
            .min(1)
            .max(20),
          k: z.number().int().min(2).max(1_000_000),
          sensitive: column.nullable(),
        })
        .strict()
        .nullable(),
      leakage: z.object({ evalDatasetId: z.string().min(1).max(100), nearFactor: finite.gt(0).max(10) }).strict().nullable(),
      membership: z
        .object({
          evalDatasetId: z.string().min(1).max(100).nullable(),
          holdoutFraction: finite.gt(0).lt(1),
          l2: finite.min(0).max(1e6),
          seed: z.number().int().min(0).max(2 ** 31 - 1),
        })
        .strict()
        .nullable(),
      bias: z
        .object({ column, scanJobId: z.string().min(1).max(100).nullable(), folds: z.number().int().min(0).max(20), l2: finite.min(0).max(1e6) })
        .strict()
        .nullable(),
    })
    .strict(),
  runDrift: z
    .object({
      baselineDatasetId: z.string().min(1).max(100),
      currentDatasetId: z.string().min(1).max(100),
      thresholds: z
        .object({
          bins: z.number().int().min(2).max(1000),
          emptyBinFloor: finite.gt(0).max(0.01),
          psiModerate: finite.min(0).max(100),
          psiSignificant: finite.min(0).max(100),
          psiAlert: finite.min(0).max(100),
          pValue: finite.gt(0).lt(1),
          wassersteinNormed: finite.min(0).max(1000),
          jsDistance: finite.min(0).max(1),
          klDivergence: finite.min(0).max(1000),
          columnTest: z.enum(['psi', 'ks', 'wasserstein', 'js', 'kl']),
          driftShare: finite.gt(0).max(1),
          domainAuc: finite.min(0.5).max(1),
        })
        .strict(),
      embedding: z
        .object({
          enabled: z.boolean(),
          mmdSample: z.number().int().min(10).max(5000),
          permutations: z.number().int().min(0).max(10_000),
          classifierSample: z.number().int().min(10).max(200_000),
          folds: z.number().int().min(2).max(20),
          seed: z.number().int().min(0).max(2 ** 31 - 1),
        })
        .strict(),
      categoricalColumns: z.array(column).max(100).optional(),
    })
    .strict(),
  runMonitor: z
    .object({
      snapshotIds: z.array(z.string().min(1).max(100)).min(2).max(1000),
      baselinePeriod: z.number().int().min(1).max(999),
      detectors: z.array(detectorChoice).max(16),
      flag: flagRule,
      columns: z.array(column).max(100),
      thresholds: z
        .object({
          psiAlert: finite.min(0).max(100),
          anomalyFactor: finite.gt(0).max(1000),
          sigma: finite.gt(0).max(10),
          westernElectric: z.boolean(),
          bins: z.number().int().min(2).max(1000),
          emptyBinFloor: finite.gt(0).max(0.01),
        })
        .strict(),
    })
    .strict(),
  createManifest: z
    .object({
      paths: z.array(z.string().min(1).max(4096)).min(1).max(1000),
      out: z.string().min(1).max(4096),
      idColumn: column.nullable(),
      overwrite: z.boolean(),
    })
    .strict(),
  signManifest: z
    .object({ manifestPath: z.string().min(1).max(4096), keyPath: z.string().min(1).max(4096), out: z.string().min(1).max(4096), overwrite: z.boolean() })
    .strict(),
  verifyManifest: z
    .object({ path: z.string().min(1).max(4096), publicKeyPath: z.string().min(1).max(4096).nullable(), data: z.array(z.string().min(1).max(4096)).max(1000) })
    .strict(),
  generateKeyPair: z.object({ prefix: z.string().min(1).max(4096) }).strict(),
  checkSplitView: z
    .object({ index: z.string().min(1).max(4096), directory: z.string().min(1).max(4096), mapping: z.enum(['basename', 'urlpath', 'sha256']) })
    .strict(),
  previewReport: z.object({ sections: z.array(z.enum(REPORT_SECTIONS)).max(REPORT_SECTIONS.length), analyst: z.string().max(200).optional() }).strict(),
  exportReport: z
    .object({
      sections: z.array(z.enum(REPORT_SECTIONS)).max(REPORT_SECTIONS.length),
      analyst: z.string().max(200).optional(),
      path: z.string().min(1).max(4096),
      format: z.enum(REPORT_FORMATS),
      keyPath: z.string().min(1).max(4096).nullable(),
      overwrite: z.boolean(),
    })
    .strict(),
} as const satisfies { [M in ApiMethod]: z.ZodType<ApiArgs<M>> | null };


/** Validates a call's argument against the contract; returns a message naming the method and field, or the value. */
export function parseArgs<M extends ApiMethod>(
  method: M,
  raw: unknown,
): { ok: true; value: ApiArgs<M> } | { ok: false; message: string } {
  const schema = apiArgSchemas[method];
  if (schema === null) {
    if (raw === undefined || raw === null) return { ok: true, value: undefined as ApiArgs<M> };
    return { ok: false, message: `'${method}' takes no argument` };
  }
  const parsed = (schema as z.ZodType).safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data as ApiArgs<M> };
  const issue = parsed.error.issues[0];
  const where = issue.path.length ? `'${issue.path.join('.')}'` : 'the argument';
  return { ok: false, message: `${where} passed to '${method}': ${issue.message}` };
}

