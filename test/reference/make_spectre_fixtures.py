#!/usr/bin/python3
"""Reference values for the SPECTRE detector (Hayase, Kong, Somani & Oh, ICML 2021).

    /usr/bin/python3 test/reference/make_spectre_fixtures.py

Writes test/fixtures/spectre.json. Deterministic (numpy PCG64, fixed seeds). Inputs are rounded to float32
before anything is computed, so this script and the engine see the same numbers; they travel as little-endian
float32 in base64.

An independent computation of the same steps as shared/engine/detectors/spectre.ts, with dense textbook
linear algebra instead of the engine's operators:
  PCA          numpy.linalg.eigh of the 1/n covariance (the engine: Jacobi, or subspace iteration)
  filter       the fourth-moment matrix T = (1/m) Z^T Z - e e^T formed explicitly in the packed symmetric
               basis (off-diagonals x sqrt 2) and diagonalised by eigh (the engine: Lanczos on an operator)
  whitening    scipy.linalg.solve_triangular with the Cholesky factor (+ the same 1e-10 relative ridge)
  QUE          M = expm-free: eigh of Sigma' and w_j = exp(alpha (l_j - l_1)/(l_1 - 1)) / sum, checked against
               scipy.linalg.expm on the first case
  selection    the kept-row covariance computed directly from the kept rows (the engine downdates sums)
Closed forms asserted here and exported for the tests: alpha -> 0 (1e-9) gives Mahalanobis / k.
"""

import base64
import json
import math
import os

import numpy as np
from scipy import linalg, stats

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "spectre.json")
C, SHIFT, TAU, T_ROWS = 10.0, 3.0, 0.1, 2000


def js_round(x):
    return math.floor(x + 0.5)


def budget(eps, n):
    raw = 1.5 * eps * n
    return min(n, math.ceil(raw - 1e-12 * raw))


def top_desc(values, order_key):
    """Indices sorted by value descending, ties to the lower index."""
    return sorted(order_key, key=lambda i: (-values[i], i))


def robust_location_scale(v):
    """calibration.ts robustLocationScale: median and 1.4826 MAD, re-fitted on the values within 3.5 scales."""
    def median_mad(x):
        loc = np.median(x)
        return loc, 1.4826 * np.median(np.abs(x - loc))

    loc, scale = median_mad(v)
    for _ in range(20):
        if not scale > 0:
            break
        kept = v[np.abs(v - loc) <= 3.5 * scale]
        if len(kept) < 0.5 * len(v) or len(kept) == len(v):
            break
        nloc, nscale = median_mad(kept)
        moved = abs(nloc - loc) + abs(nscale - scale)
        loc, scale = nloc, nscale
        if moved <= 1e-9 * scale:
            break
    return loc, scale


def chol(a):
    k = a.shape[0]
    ridge = 1e-10 * np.trace(a) / k + 1e-300
    return np.linalg.cholesky(a + ridge * np.eye(k))


def moments(P, keep):
    rows = P[keep]
    mean = rows.mean(axis=0)
    c = rows - mean
    return mean, c.T @ c / len(rows)


def que_weights(lam, alpha):
    spread = lam[0] - 1
    if spread > 1e-12:
        w = np.exp(alpha * (lam - lam[0]) / spread)
    else:
        w = np.ones_like(lam)
    return w / w.sum()


def eigh_desc(a):
    w, v = np.linalg.eigh(a)
    return w[::-1], v[:, ::-1]


def packed(Y):
    k = Y.shape[1]
    cols = []
    for a in range(k):
        cols.append(Y[:, a] * Y[:, a])
        for b in range(a + 1, k):
            cols.append(Y[:, a] * Y[:, b] * math.sqrt(2))
    e = []
    for a in range(k):
        e.append(1.0)
        e.extend([0.0] * (k - a - 1))
    return np.stack(cols, axis=1), np.array(e)


def unpack(v, k):
    V = np.zeros((k, k))
    p = 0
    for a in range(k):
        V[a, a] = v[p]
        p += 1
        for b in range(a + 1, k):
            V[a, b] = V[b, a] = v[p] / math.sqrt(2)
            p += 1
    return V


def robust_filter(P, eps, limit, log):
    n, k = P.shape
    keep = np.ones(n, dtype=bool)
    removed = 0
    thr = 1 + C * eps * math.log(1 / eps) ** 2 if eps > 0 else math.inf
    while removed < limit:
        idx = np.flatnonzero(keep)
        m = len(idx)
        mean, cov = moments(P, keep)
        L = chol(cov)
        Y = linalg.solve_triangular(L, (P[idx] - mean).T, lower=True).T
        norms = (Y ** 2).sum(axis=1)
        early = C * k * math.log(m / TAU)
        if (norms >= early).any():
            cand = top_desc(norms, [r for r in range(m) if norms[r] >= early])[: limit - removed]
            keep[idx[cand]] = False
            removed += len(cand)
            log.append({"early": len(cand)})
            continue
        stride = max(1, math.ceil(m / T_ROWS))
        Z, e = packed(Y[::stride])
        T = Z.T @ Z / len(Z) - np.outer(e, e)
        lam, vec = eigh_desc(T)
        if not lam[0] > thr:
            log.append({"lambda": float(lam[0]), "accepted": True})
            break
        V = unpack(vec[:, 0], k)
        p = (np.einsum("ia,ab,ib->i", Y, V, Y) - np.trace(V)) / math.sqrt(2)
        dev = np.abs(p - np.median(p))
        srt = np.sort(dev)[::-1]
        floor = 3 * eps / (k * math.log(m / TAU)) ** 2
        cut = math.inf
        for j in range(1, m + 1):
            t = srt[j - 1] - SHIFT
            if t <= 0:
                break
            if j / m > 12 * math.exp(-t) + floor:
                cut = srt[j - 1]
        if cut == math.inf:
            log.append({"lambda": float(lam[0]), "tailFail": True})
            break
        cand = top_desc(dev, [r for r in range(m) if dev[r] >= cut])[: limit - removed]
        keep[idx[cand]] = False
        removed += len(cand)
        log.append({"lambda": float(lam[0]), "removed": len(cand)})
    mean, cov = moments(P, keep)
    return keep, removed, mean, cov


def que_fit(mean, cov, S, alpha):
    L = chol(cov)
    Linv = linalg.solve_triangular(L, np.eye(len(L)), lower=True)
    sig = Linv @ S @ Linv.T
    sig = (sig + sig.T) / 2
    lam, U = eigh_desc(sig)
    w = que_weights(lam, alpha)
    G = (Linv.T @ U).T  # row j: g_j = L^-T u_j
    return {"L": L, "Linv": Linv, "sig": sig, "lam": lam, "U": U, "w": w, "G": G, "mean": mean}


def que_scores(P, fit):
    t = (P - fit["mean"]) @ fit["G"].T
    return (t ** 2) @ fit["w"]


def selection_stat(P, S, removed_mask, alpha):
    if not removed_mask.any():
        return 1.0
    mean, cov = moments(P, ~removed_mask)
    fit = que_fit(mean, cov, S, alpha)
    return float(fit["w"] @ fit["lam"])


def spectre(X, eps, alpha, max_dims):
    n, d = X.shape
    mu = X.mean(axis=0)
    Cv = (X - mu).T @ (X - mu) / n
    lam, V = eigh_desc(Cv)
    K = 0
    while K < min(max_dims, d) and K < n - 1 and lam[K] > 1e-9 * lam[0]:
        K += 1
    P = (X - mu) @ V[:, :K]
    S = V[:, :K].T @ Cv @ V[:, :K]
    S = (S + S.T) / 2
    # k² ≤ n as in the engine (a k×k robust covariance needs O(k²) rows); no fixture class is small enough to hit it.
    ks = [j * j for j in range(1, 11) if j * j <= min(100, K, n)]
    b = budget(eps, n)
    limit = min(n - 2, js_round(2 * eps * n))
    per_k = []
    best = None
    for k in ks:
        log = []
        keep, removed, mean, cov = robust_filter(P[:, :k], eps, limit, log)
        fit = que_fit(mean, cov, S[:k, :k], alpha)
        sc = que_scores(P[:, :k], fit)
        rem = np.zeros(n, dtype=bool)
        rem[top_desc(sc, range(n))[:b]] = True
        stat = selection_stat(P, S, rem, alpha)
        maha = np.einsum("ia,ab,ib->i", P[:, :k] - mean, np.linalg.inv(cov + (1e-10 * np.trace(cov) / k + 1e-300) * np.eye(k)), P[:, :k] - mean)
        per_k.append({"k": k, "removed": removed, "filterLog": log, "stat": stat, "sigmaNorm": float(fit["lam"][0])})
        if best is None or stat > best["stat"]:
            best = {"k": k, "stat": stat, "scores": sc, "fit": fit, "maha": maha}
    k = best["k"]
    fit = best["fit"]
    t = (P[:, :k] - fit["mean"]) @ fit["G"].T
    px = t[:, 0]
    py = t[:, 1] if k > 1 else np.zeros(n)
    flags = np.zeros(n, dtype=int)
    flags[top_desc(best["scores"], range(n))[:b]] = 1
    logs = np.log(best["scores"] + 1e-300)
    loc, scale = robust_location_scale(logs)
    pvals = stats.norm.sf((logs - loc) / scale)
    # Class test by sample splitting: fit on even positions, project odd positions.
    # (The principal directions are re-derived from the even rows within the K-dim space, as the engine does.)
    _, covA0 = moments(P[0::2], np.ones(len(P[0::2]), dtype=bool))
    _, R = eigh_desc(covA0)
    A = P[0::2] @ R
    nA = len(A)
    keepA, _, meanA, covA = robust_filter(A[:, :k], eps, min(nA - 2, js_round(2 * eps * nA)), [])
    meanAll, covAll = moments(A, np.ones(nA, dtype=bool))
    fitA = que_fit(meanA, covA, covAll[:k, :k], alpha)
    tB = ((P[1::2] @ R)[:, :k] - fitA["mean"]) @ fitA["G"][0]
    k2 = stats.normaltest(tB)
    return {
        "K": K,
        "ks": ks,
        "budget": b,
        "limit": limit,
        "perK": per_k,
        "k": k,
        "scores": best["scores"].tolist(),
        "mahalanobisOverK": (best["maha"] / k).tolist(),
        "px": px.tolist(),
        "py": py.tolist(),
        "flagged": [int(i) for i in np.flatnonzero(flags)],
        "pValues": pvals.tolist(),
        "sigmaPrimeNorm": float(fit["lam"][0]),
        "classTest": {"statistic": float(k2.statistic), "pValue": float(k2.pvalue)},
        "weights": fit["w"].tolist(),
        "lam": fit["lam"].tolist(),
        "sig": fit["sig"],
    }


def make_data(rng, n, d, rate, shift):
    scales = np.ones(d)
    scales[:3] = [3.0, 2.0, 1.5]
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    X = (rng.standard_normal((n, d)) * scales) @ q.T + 5.0
    count = int(round(rate * n))
    u = rng.standard_normal(d)
    u /= np.linalg.norm(u)
    poisoned = rng.permutation(n)[:count]
    X[poisoned] += shift * u
    return X.astype(np.float32).astype(np.float64), sorted(int(i) for i in poisoned)


def b64(X):
    return base64.b64encode(np.ascontiguousarray(X, dtype="<f4").tobytes()).decode("ascii")


def main():
    cases = []
    specs = [
        ("shifted-5pct-d12", 11, 360, 12, 0.05, 9.0, 0.05, 4.0, 100),
        ("shifted-2pct-d16-maxDims9", 12, 500, 16, 0.02, 10.0, 0.02, 4.0, 9),
        ("clean-d10", 13, 240, 10, 0.0, 0.0, 0.05, 4.0, 100),
    ]
    for name, seed, n, d, rate, shift, eps, alpha, max_dims in specs:
        rng = np.random.Generator(np.random.PCG64(seed))
        X, poisoned = make_data(rng, n, d, rate, shift)
        ref = spectre(X, eps, alpha, max_dims)
        tiny = spectre(X, eps, 1e-9, max_dims)
        # Closed form: alpha -> 0 makes M = I/k, so QUE = Mahalanobis distance / k.
        assert np.allclose(tiny["scores"], tiny["mahalanobisOverK"], rtol=1e-5), name
        if name.startswith("shifted-5pct"):
            # The weights are the eigenvalues of the matrix exponential of the spec, computed directly.
            sig = ref["sig"]
            A = alpha * (sig - np.eye(len(sig))) / (np.linalg.eigvalsh(sig)[-1] - 1)
            M = linalg.expm(A)
            M /= np.trace(M)
            assert np.allclose(np.sort(np.linalg.eigvalsh(M))[::-1], ref["weights"], atol=1e-12), "expm"
        del ref["sig"], tiny["sig"]
        cases.append({
            "name": name, "rows": n, "cols": d, "data": b64(X), "poisoned": poisoned,
            "params": {"epsilon": eps, "alpha": alpha, "maxDims": max_dims},
            "reference": ref,
            "alphaTiny": {"k": tiny["k"], "mahalanobisOverK": tiny["mahalanobisOverK"], "scores": tiny["scores"]},
        })
    def compact(v):
        # 12 significant digits: far below every tolerance in the tests, and the file stays under 200 KB.
        if isinstance(v, float):
            return float(f"{v:.12g}")
        if isinstance(v, list):
            return [compact(x) for x in v]
        if isinstance(v, dict):
            return {key: compact(x) for key, x in v.items()}
        return v

    cases = compact(cases)
    with open(OUT, "w") as f:
        json.dump({"generator": "test/reference/make_spectre_fixtures.py", "cases": cases}, f, separators=(",", ":"))
    print(OUT, os.path.getsize(OUT), "bytes")
    for c in cases:
        r = c["reference"]
        print(c["name"], "K", r["K"], "k", r["k"], "stats", [round(p["stat"], 4) for p in r["perK"]], "removed", [p["removed"] for p in r["perK"]], "logs", [p["filterLog"] for p in r["perK"]])


if __name__ == "__main__":
    main()
