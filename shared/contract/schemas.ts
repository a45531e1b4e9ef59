/**
 * Runtime validation of the contract's arguments (zod). Both transports run every call through `parseArgs`
 * before the host sees it: the IPC router in the main process and the served-mode server.
 */
import { z } from 'zod';
import { DETECTOR_NAMES } from '../domain/detector-catalog.ts';
import type { DetectorName } from '../domain/detectors.ts';
import type { ApiArgs, ApiMethod } from './api.ts';

const finite = z.number().finite();
const jobRef = z.object({ jobId: z.string().min(1).max(100) }).strict();
const datasetRef = z.object({ datasetId: z.string().min(1).max(100) }).strict();
const column = z.string().max(1000);

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
  runScan: z
    .object({
      datasetId: z.string().min(1).max(100),
      detectors: z
        .array(
          z
            .object({
              name: z.enum(DETECTOR_NAMES as [DetectorName, ...DetectorName[]]),
              params: z.record(z.string().max(100), z.union([finite, z.string().max(100), z.boolean()])),
            })
            .strict(),
        )
        .min(1)
        .max(16),
      flag: z.discriminatedUnion('mode', [
        z.object({ mode: z.literal('budget'), epsilon: finite.gt(0).max(0.5), budgetFactor: finite.gt(0).max(10) }).strict(),
        z.object({ mode: z.literal('fdr'), q: finite.gt(0).max(0.5) }).strict(),
        z.object({ mode: z.literal('rule') }).strict(),
      ]),
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

