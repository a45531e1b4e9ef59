/**
 * The shape every detector kernel returns, so that calibration (p-values, FDR flags, contamination),
 * consensus ranking and the UI treat all detectors alike. Kernels are pure: typed arrays in, typed arrays out.
 */
import type { Matrix } from '../matrix.ts';

export type Progress = (fraction: number) => void;

/** JSON-safe detector-specific facts shown in the UI and written to reports. */
export type Diagnostics = Record<string, number | string | boolean | number[] | null>;

/** A test of "nothing unusual in this class". */
export interface ClassTest {
  /** e.g. "D'Agostino K² on the top-PC projection". */
  method: string;
  statistic: number;
  pValue: number;
  /** The smallest p-value the test can give (a Monte Carlo test with B draws: 1/(B + 1)); 0 when unbounded. */
  minAttainable?: number;
}

/** What a per-class detector returns; arrays follow the class's `rowIndex`. */
export interface ClassDetection {
  /** Higher = more suspicious. */
  scores: Float64Array;
  /** From the detector's own null model, or null where it has none. */
  pValues: Float64Array | null;
  /**
   * The statistic the p-values come from, whose clean bulk is close to normal (e.g. the signed projection, or
   * a log distance), and which tails are suspicious. With trusted reference rows the normal null is fitted to
   * their values instead of to the bulk of the class.
   */
  nullStatistic?: { values: Float64Array; side: 'upper' | 'two-sided' };
  /** The detector's own decision rule (e.g. "the small cluster"), or null where it only ranks. */
  ruleFlags: Uint8Array | null;
  classTest: ClassTest | null;
  /** A 2-D view of the class for the scatter plot, or null. */
  projection: { x: Float32Array; y: Float32Array; xLabel: string; yLabel: string } | null;
  diagnostics: Diagnostics;
}

export type ClassDetector<P> = (x: Matrix, rowIndex: Int32Array, params: P, onProgress?: Progress) => ClassDetection;

/** What a whole-dataset detector returns; per-row arrays in dataset row order. */
export interface GlobalDetection {
  scores: Float64Array;
  pValues: Float64Array | null;
  ruleFlags: Uint8Array | null;
  /** One per class, indexed by class. */
  perClass: { classTest: ClassTest | null; diagnostics: Diagnostics }[];
  diagnostics: Diagnostics;
}

export type GlobalDetector<P> = (x: Matrix, labels: Int32Array, classCount: number, params: P, onProgress?: Progress) => GlobalDetection;
