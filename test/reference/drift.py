#!/usr/bin/python3
"""Reference values for the drift engine (shared/engine/drift), computed independently with numpy, scipy and
scikit-learn (Debian's python3-numpy/-scipy/-sklearn):

    /usr/bin/python3 test/reference/drift.py

Writes test/fixtures/drift.json. Deterministic (numpy PCG64 with fixed seeds). Samples are rounded to float32
first and travel as little-endian float32 bytes in base64, so both sides see bit-identical inputs.

Conventions checked (the engine's, stated in its files):
- PSI/KL/JS bins: interior edges = np.quantile(baseline, k/bins) (linear), repeated edges merged; a value
  equal to an edge goes to the bin below (np.searchsorted(edges, x, side='left')); empty-bin proportions
  replaced by 1e-4 without renormalising.
- PSI = sum (b - c) ln(b/c); KL = scipy.stats.entropy(b, c); JS = scipy.spatial.distance.jensenshannon(b, c).
- Wasserstein-1 = scipy.stats.wasserstein_distance; normed by np.std(baseline) (ddof 0).
- KS = scipy.stats.ks_2samp(method='auto'); the Kolmogorov tail = scipy.stats.kstwo.sf.
- Chi-square = scipy.stats.chi2_contingency(table, correction=False).
- MMD^2_u with k(u,v) = exp(-|u-v|^2 / (2 sigma^2)), sigma = median pairwise distance (np.median).
- AUC = sklearn.metrics.roc_auc_score; its p-value = scipy.stats.mannwhitneyu(alternative='greater',
  use_continuity=False, method='asymptotic').
"""
import base64
import json
import os

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon, pdist
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "drift.json")
FLOOR = 1e-4


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


def binned(b, c, bins):
    edges = []
    for k in range(1, bins):
        q = float(np.quantile(b, k / bins))
        if not edges or q > edges[-1]:
            edges.append(q)
    edges = np.array(edges)
    cb = np.bincount(np.searchsorted(edges, b, side="left"), minlength=len(edges) + 1)
    cc = np.bincount(np.searchsorted(edges, c, side="left"), minlength=len(edges) + 1)
    pb = cb / cb.sum()
    pc = cc / cc.sum()
    pb = np.where(cb == 0, FLOOR, pb)
    pc = np.where(cc == 0, FLOOR, pc)
    return edges, cb, cc, pb, pc


def numeric_case(name, b, c, bins=10):
    b = np.asarray(b, dtype=np.float32).astype(np.float64)
    c = np.asarray(c, dtype=np.float32).astype(np.float64)
    edges, cb, cc, pb, pc = binned(b, c, bins)
    ks = stats.ks_2samp(b, c, method="auto")
    w1 = stats.wasserstein_distance(b, c)
    return {
        "name": name,
        "bins": bins,
        "baseline": b64(b),
        "current": b64(c),
        "edges": edges.tolist(),
        "countsBaseline": cb.tolist(),
        "countsCurrent": cc.tolist(),
        "psi": float(np.sum((pb - pc) * np.log(pb / pc))),
        "kl": float(stats.entropy(pb, pc)),
        "js": float(jensenshannon(pb, pc)),
        "wasserstein": float(w1),
        "wassersteinNormed": float(w1 / np.std(b)),
        "ksStatistic": float(ks.statistic),
        "ksPValue": float(ks.pvalue),
        "ksMethod": "exact" if max(len(b), len(c)) <= 10000 else "asymp",
    }


def mmd2_unbiased(a, b):
    z = np.vstack([a, b])
    sigma = float(np.median(pdist(z)))
    d2 = np.sum((z[:, None, :] - z[None, :, :]) ** 2, axis=2)
    k = np.exp(-d2 / (2 * sigma**2))
    m, n = len(a), len(b)
    kaa = k[:m, :m]
    kbb = k[m:, m:]
    kab = k[:m, m:]
    value = (kaa.sum() - np.trace(kaa)) / (m * (m - 1)) + (kbb.sum() - np.trace(kbb)) / (n * (n - 1)) - 2 * kab.mean()
    return float(value), sigma


def main():
    rng = np.random.default_rng(20261127)
    numeric = [
        numeric_case("equal n, small shift", rng.normal(0, 1, 200), rng.normal(0.3, 1, 200)),
        numeric_case("unequal n, scale change", rng.normal(0, 1, 300), rng.normal(0, 1.5, 170)),
        numeric_case("unequal n, coprime sizes", rng.normal(5, 2, 997), rng.normal(5.2, 2, 1009)),
        numeric_case("discrete ties", rng.integers(0, 4, 500), rng.integers(0, 5, 450)),
        numeric_case("identical", np.arange(100.0), np.arange(100.0)),
        numeric_case("empty bins in current", rng.normal(0, 1, 400), rng.normal(4, 0.2, 300)),
        numeric_case("asymptotic, no shift", rng.normal(0, 1, 12000), rng.normal(0, 1, 11000)),
        numeric_case("asymptotic, tiny shift", rng.normal(0, 1, 20000), rng.normal(0.03, 1, 15000)),
        numeric_case("asymptotic, small other sample", rng.normal(0, 1, 10500), rng.normal(0.5, 1, 60)),
        numeric_case("asymptotic, 20 bins", rng.exponential(1, 10001), rng.exponential(1.1, 10001), bins=20),
    ]

    kolmogorov = []
    for n in [5, 20, 100, 140, 141, 500, 1000, 5000, 50000, 100001, 300000]:
        for x in [0.6 / n, 0.9 / n, 1.5 / n, 0.3 / np.sqrt(n), 0.8 / np.sqrt(n), 1.2 / np.sqrt(n), 1.8 / np.sqrt(n), 3.0 / np.sqrt(n), 0.55, 1 - 0.5 / n]:
            if 0 < x < 1:
                kolmogorov.append({"n": n, "x": float(x), "sf": float(stats.kstwo.sf(x, n))})

    tables = [
        ([10, 20], [20, 10]),
        ([50, 30, 20, 0], [45, 35, 15, 5]),
        ([100, 200, 300], [100, 200, 300]),
        ([7, 0, 12, 30, 1], [3, 9, 14, 20, 0]),
    ]
    chi = []
    for b, c in tables:
        keep = [k for k in range(len(b)) if b[k] + c[k] > 0]
        t = np.array([[b[k] for k in keep], [c[k] for k in keep]])
        x2, p, dof, _ = stats.chi2_contingency(t, correction=False)
        cb = np.array(b, dtype=float)[keep]
        cc = np.array(c, dtype=float)[keep]
        pb = np.where(cb == 0, FLOOR, cb / cb.sum())
        pc = np.where(cc == 0, FLOOR, cc / cc.sum())
        chi.append({"baseline": b, "current": c, "statistic": float(x2), "pValue": float(p), "dof": int(dof),
                    "psi": float(np.sum((pb - pc) * np.log(pb / pc)))})

    mmd = []
    for m, n, d, shift in [(60, 80, 5, 0.0), (50, 50, 3, 0.8), (40, 70, 8, 0.3)]:
        a = rng.normal(0, 1, (m, d)).astype(np.float32).astype(np.float64)
        b = (rng.normal(0, 1, (n, d)) + shift).astype(np.float32).astype(np.float64)
        value, sigma = mmd2_unbiased(a, b)
        mmd.append({"d": d, "a": b64(a), "b": b64(b), "rowsA": m, "rowsB": n, "mmd2": value, "bandwidth": sigma})

    auc = []
    for n0, n1, sep, ties in [(300, 200, 0.5, False), (100, 150, 0.0, False), (80, 60, 1.0, True)]:
        s0 = rng.normal(0, 1, n0)
        s1 = rng.normal(sep, 1, n1)
        if ties:
            s0 = np.round(s0, 1)
            s1 = np.round(s1, 1)
        scores = np.concatenate([s0, s1]).astype(np.float64)
        labels = np.concatenate([np.zeros(n0), np.ones(n1)]).astype(int)
        u = stats.mannwhitneyu(s1, s0, alternative="greater", use_continuity=False, method="asymptotic")
        auc.append({"scores": scores.tolist(), "labels": labels.tolist(), "auc": float(roc_auc_score(labels, scores)), "pValue": float(u.pvalue)})

    with open(OUT, "w") as f:
        json.dump({"numeric": numeric, "kolmogorov": kolmogorov, "chiSquare": chi, "mmd": mmd, "auc": auc}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
