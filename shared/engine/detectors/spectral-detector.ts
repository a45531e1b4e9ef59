import { normalityTest, robustNormalPValues } from '../calibration.ts';
import { spectralSignatureClass } from '../spectral.ts';
import type { ClassDetector } from './types.ts';

/**
 * Spectral signatures (Tran, Li & Madry, NeurIPS 2018) as a calibrated detector. Beyond the paper's score and
 * its ⌈1.5·ε·n_c⌉ removal rule, it gives:
 * - per-row p-values from the signed projection t_i = (r_i − μ)·v: the clean bulk projects to a roughly normal
 *   distribution, fitted robustly (median, MAD), and both tails are suspicious;
 * - a class test: D'Agostino's K² on t. A poisoned sub-population skews the projection on the direction it
 *   stretches (or flattens it near half-and-half); clean classes project close to normal.
 */
export const spectralDetector: ClassDetector<{ epsilon: number }> = (x, rowIndex, params, onProgress) => {
  const out = spectralSignatureClass(x, rowIndex, { epsilon: params.epsilon, budgetFactor: 1.5 }, onProgress);
  const test = normalityTest(out.x);
  const [l1 = 0, l2 = 0] = out.stats.eigenvalues;
  return {
    scores: out.scores,
    pValues: rowIndex.length ? robustNormalPValues(out.x, 'two-sided') : new Float64Array(0),
    nullStatistic: { values: Float64Array.from(out.x), side: 'two-sided' },
    ruleFlags: out.flagged,
    // K² needs 8 rows; a smaller class is untested rather than cleared.
    classTest: rowIndex.length < 8 ? null : { method: "D'Agostino K² on the projection on the top principal direction", statistic: test.statistic, pValue: test.pValue },
    projection: { x: out.x, y: out.y, xLabel: 'spectral direction (PC1)', yLabel: 'PC2' },
    diagnostics: {
      eigenvalues: out.stats.eigenvalues,
      eigenvalueRatio: l2 > 0 ? l1 / l2 : null,
      lanczosSteps: out.stats.iterations,
      converged: out.stats.converged,
      skewness: test.skewness,
      kurtosis: test.kurtosis,
    },
  };
};
