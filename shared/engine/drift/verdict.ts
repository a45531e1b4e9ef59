/**
 * The readings that sit above single numeric columns: a categorical column's drift (the label column), the
 * embedding set's drift, and the dataset-level verdict (Evidently's rule: the dataset drifted when at least
 * `driftShare` of its columns drifted).
 */
import type {
  CategoricalColumnDrift,
  ColumnDrift,
  DriftThresholds,
  DriftVerdict,
  EmbeddingDrift,
  EmbeddingDriftOptions,
} from '../../domain/drift.ts';
import { categoricalPsi, chiSquareHomogeneity } from './categorical.ts';
import { fmt, fmtP, psiBand } from './column.ts';
import type { AucResult, MmdResult } from './embedding.ts';

/**
 * Drift of a categorical column from its counts per category in each set; categories are matched by name
 * (a category only one set has counts 0 in the other).
 */
export function categoricalColumnDrift(
  name: string,
  baseline: { categories: readonly string[]; counts: readonly number[] },
  current: { categories: readonly string[]; counts: readonly number[] },
  t: DriftThresholds,
): CategoricalColumnDrift {
  const categories = [...baseline.categories];
  for (const c of current.categories) if (!categories.includes(c)) categories.push(c);
  const countsOf = (side: typeof baseline) => {
    const at = new Map(side.categories.map((c, i) => [c, side.counts[i]]));
    return categories.map((c) => at.get(c) ?? 0);
  };
  const b = countsOf(baseline);
  const c = countsOf(current);
  const value = categoricalPsi(b, c, t.emptyBinFloor);
  const chi = chiSquareHomogeneity(b, c);
  const band = psiBand(value, t);
  const byPsi = t.columnTest === 'psi';
  const drifted = byPsi ? value > t.psiAlert : chi.pValue < t.pValue;
  const decidedBy = byPsi
    ? `PSI ${fmt(value)} ${drifted ? '>' : '≤'} ${t.psiAlert}`
    : `chi-square p ${fmtP(chi.pValue)} ${drifted ? '<' : '≥'} ${t.pValue}`;
  const onlyOne = categories.filter((_, k) => (b[k] === 0) !== (c[k] === 0));
  return {
    kind: 'categorical',
    name,
    categories,
    baseline: b,
    current: c,
    psi: value,
    psiBand: band,
    chiSquare: chi,
    drifted,
    decidedBy,
    explain: {
      psi: `PSI over the ${categories.length} categories (empty ones counted as ${t.emptyBinFloor}): ${fmt(value)}, ${band === 'none' ? 'no' : band} shift.`,
      chiSquare: `Chi-square test of homogeneity on the 2 × ${chi.dof + 1} table of counts (both sets treated as samples): X² = ${fmt(chi.statistic)} on ${chi.dof} degrees of freedom, p = ${fmtP(chi.pValue)}.`,
      categories: onlyOne.length
        ? `Only in one set: ${onlyOne.slice(0, 8).join(', ')}${onlyOne.length > 8 ? ` and ${onlyOne.length - 8} more` : ''}.`
        : 'Both sets have the same categories.',
      decision: `Drift is decided by ${decidedBy}.`,
    },
  };
}

/** The embedding set's reading from its two tests: drifted when either is significant (and the AUC is above its bar). */
export function embeddingDrift(
  mmd: MmdResult,
  domain: AucResult & { folds: number },
  samples: { mmd: { baseline: number; current: number }; classifier: { baseline: number; current: number } },
  options: EmbeddingDriftOptions,
  t: DriftThresholds,
): EmbeddingDrift {
  const mmdDrift = mmd.pValue < t.pValue;
  const aucDrift = domain.auc > t.domainAuc && domain.pValue < t.pValue;
  const reasons = [
    mmdDrift ? `MMD p ${fmtP(mmd.pValue)} < ${t.pValue}` : null,
    aucDrift ? `domain classifier AUC ${fmt(domain.auc)} > ${t.domainAuc} (p ${fmtP(domain.pValue)})` : null,
  ].filter((r): r is string => r !== null);
  return {
    mmd2: mmd.mmd2,
    bandwidth: mmd.bandwidth,
    mmdPValue: mmd.pValue,
    permutations: mmd.permutations,
    mmdSample: samples.mmd,
    domainAuc: domain.auc,
    domainPValue: domain.pValue,
    classifierSample: samples.classifier,
    folds: domain.folds,
    drifted: mmdDrift || aucDrift,
    decidedBy: reasons.length ? reasons.join('; ') : `neither MMD (p ${fmtP(mmd.pValue)}) nor the domain classifier (AUC ${fmt(domain.auc)}) tells the sets apart`,
    explain: {
      mmd: `Maximum mean discrepancy (unbiased MMD², Gaussian kernel of width ${fmt(mmd.bandwidth)} = the median distance between sampled rows) on ${samples.mmd.baseline} + ${samples.mmd.current} sampled rows: ${fmt(mmd.mmd2)}. About 0 when both sets come from one distribution; it sees changes in any direction of the embedding, not only along single columns.`,
      mmdPValue: `Permutation p-value over ${mmd.permutations} random relabellings of the pooled sample: ${fmtP(mmd.pValue)} (the smallest it can be is ${(1 / (mmd.permutations + 1)).toPrecision(2)}).`,
      domainAuc: `A softmax regression trained to tell baseline rows from current rows (${samples.classifier.baseline} + ${samples.classifier.current} rows, ${domain.folds}-fold cross-fitting, each row scored by a model that did not see it): AUC ${fmt(domain.auc)}. 0.5 means the sets cannot be told apart; 1 means every row gives its set away. Bar: ${t.domainAuc}.`,
      domainPValue: `One-sided Mann–Whitney p-value of that AUC against 0.5: ${fmtP(domain.pValue)}.`,
      decision: `Embedding drift: ${mmdDrift || aucDrift ? 'yes' : 'no'} — ${reasons.length ? reasons.join('; ') : 'neither test is significant'}. Options: ${options.permutations} permutations, seed ${options.seed}.`,
    },
  };
}

/** Evidently's dataset-drift rule over every column (numeric columns and the label column). */
export function datasetVerdict(columns: readonly ColumnDrift[], t: DriftThresholds): DriftVerdict {
  const total = columns.length;
  const drifted = columns.filter((c) => c.drifted).length;
  const share = total ? drifted / total : 0;
  const isDrift = total > 0 && share >= t.driftShare;
  return {
    drifted: isDrift,
    driftedColumns: drifted,
    totalColumns: total,
    share,
    text: `${drifted} of ${total} columns drifted (${(share * 100).toFixed(0)}%); the dataset ${isDrift ? 'drifted' : 'did not drift'} (rule: at least ${(t.driftShare * 100).toFixed(0)}% of columns, each judged by ${testName(t)}).`,
  };
}

function testName(t: DriftThresholds): string {
  switch (t.columnTest) {
    case 'psi':
      return `PSI > ${t.psiAlert}`;
    case 'ks':
      return `KS p < ${t.pValue}`;
    case 'wasserstein':
      return `normed Wasserstein > ${t.wassersteinNormed}`;
    case 'js':
      return `Jensen–Shannon > ${t.jsDistance}`;
    case 'kl':
      return `KL > ${t.klDivergence}`;
  }
}
