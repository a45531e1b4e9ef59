/**
 * What a job is called wherever it is listed: the job bar, the jobs list, error banners, the case's audit log
 * and timeline. One function, so the analyst sees the same name in the app and in the case record.
 */
import { DETECTORS } from './detector-catalog.ts';
import { driftJobTitle } from './drift.ts';
import { influenceJobTitle } from './influence.ts';
import type { JobInfo } from './jobs.ts';
import { privacyJobTitle } from './privacy.ts';

const fileName = (path: string): string => path.split(/[\\/]/).pop() || path;

/** A short title for a job, from its kind and parameters. */
export function jobTitle(job: JobInfo): string {
  switch (job.kind) {
    case 'load': {
      const p = (job as JobInfo<'load'>).params.path;
      return `Open ${fileName(p)}`;
    }
    case 'synthesize':
      return 'Generate synthetic dataset';
    case 'scan': {
      const names = (job as JobInfo<'scan'>).params.detectors.map((d) => DETECTORS[d.name]?.title ?? d.name);
      return names.length === 1 ? names[0] : `Scan: ${names.length} detectors`;
    }
    case 'export': {
      const p = (job as JobInfo<'export'>).params.path;
      return `Write cleaned ${fileName(p)}`;
    }
    case 'train':
    case 'influence':
    case 'selfInfluence':
    case 'whatIf':
    case 'certify':
      return influenceJobTitle(job as Parameters<typeof influenceJobTitle>[0]);
    case 'privacy':
      return privacyJobTitle(job as JobInfo<'privacy'>);
    case 'drift':
    case 'monitor':
      return driftJobTitle(job as JobInfo<'drift'> | JobInfo<'monitor'>);
    case 'manifest':
      return `Manifest of ${(job as JobInfo<'manifest'>).params.paths.length} file(s)`;
    case 'verifyManifest':
      return `Verify ${fileName((job as JobInfo<'verifyManifest'>).params.path)}`;
    case 'report':
      return `Report (${(job as JobInfo<'report'>).params.format.toUpperCase()})`;
    case 'splitview':
      return `Split-view check of ${fileName((job as JobInfo<'splitview'>).params.directory)}`;
  }
}
