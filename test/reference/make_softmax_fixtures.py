#!/usr/bin/python3
"""Reference values for softmax regression (shared/engine/softmax.ts) and confident learning
(shared/engine/detectors/confident-learning.ts).

Run with Debian's python3, numpy, scipy and scikit-learn (apt: python3-numpy python3-scipy python3-sklearn):

    /usr/bin/python3 test/reference/make_softmax_fixtures.py

Writes test/fixtures/softmax.json and test/fixtures/confident-learning.json. Deterministic: fixed seeds and
numpy's PCG64 generator, whose stream is stable across numpy versions. Inputs are rounded to float32 before
anything is computed, so this script (float64 arithmetic on those values) and the engine (float32 storage,
float64 arithmetic) see bit-identical inputs; the data travel as little-endian float32 bytes in base64.

Softmax: the engine minimises  f(W) = mean_i CE(x~_i, y_i) + (l2/2)*||W||^2  (biases unpenalised) on
x~ = (x - mu)/sigma (population sigma of the training rows, constant columns sigma = 1). scikit-learn's
LogisticRegression(multi_class='multinomial') minimises  C*sum_i CE + ||W||^2/2,  the same problem with
C = 1/(n*l2). It is fitted here with the newton-cg solver and a tiny tol, then checked: the gradient of f
(computed below in numpy, independently of scikit-learn) must vanish at its solution. The multinomial
intercepts are defined only up to a common shift; both sides centre them to sum zero. For K = 2 scikit-learn
keeps one row (coef_ = w_1, and w_0 = -w_1); it is expanded to the K-column layout here.

Confident learning: an independent numpy implementation of Northcutt, Jiang & Chuang (JAIR 2021) sec. 2-3
with the engine's documented rules, run on given out-of-fold probabilities (so training is not involved):
    t_j      = mean of p_j over rows labelled j                        (eq. 1's per-class threshold)
    confident: p_j >= t_j - 1e-6; a row counts in C[label][argmax of p over its confident classes]
    C[i][i]  = max(C[i][i], 1)                                          (cleanlab: every class keeps one)
    Ct[i][j] = C[i][j] * n_i / sum_j C[i][j]                             (eq. 2: rows sum to the label counts)
    Q        = Ct / n                                                    (eq. 3)
    prune[i] = Ct[i] rounded preserving the row total n_i (floor, then +1 to the largest remainders, ties
               to the lower class)
    issues   = for each i != j: among rows labelled i, the prune[i][j] largest p_j - p_i (ties: lower row);
               then unflag rows whose argmax p is their label (cleanlab find_label_issues)
    ranking  = issues by ascending self-confidence p_label, or ascending normalized margin
               (p_label - max_{k != label} p_k + 1)/2; ties by row
"""

import base64
import json
import os
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_SOFTMAX = os.path.join(HERE, "..", "fixtures", "softmax.json")
OUT_CL = os.path.join(HERE, "..", "fixtures", "confident-learning.json")


def b64_f32(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


def standardize(x):
    mean = x.mean(axis=0)
    sd = np.sqrt(((x - mean) ** 2).mean(axis=0))
    sd = np.where(sd > 10 * np.finfo(np.float64).eps * np.abs(mean), sd, 1.0)
    return mean, sd


def softmax_rows(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def objective(w, xt, y, k, l2):
    """f and its gradient in the engine's layout: w is (d+1) x K, the last row the biases."""
    n, d = xt.shape
    z = xt @ w[:d] + w[d]
    zmax = z.max(axis=1, keepdims=True)
    lse = (zmax + np.log(np.exp(z - zmax).sum(axis=1, keepdims=True)))[:, 0]
    f = np.mean(lse - z[np.arange(n), y]) + 0.5 * l2 * np.sum(w[:d] ** 2)
    r = softmax_rows(z)
    r[np.arange(n), y] -= 1
    g = np.vstack([xt.T @ r / n + l2 * w[:d], r.sum(axis=0)[None, :] / n])
    return f, g


def blobs(rng, n, d, k, spread):
    centres = rng.standard_normal((k, d)) * spread
    y = rng.integers(0, k, size=n)
    x = centres[y] + rng.standard_normal((n, d)) * rng.uniform(0.5, 2.0, size=d)
    return x, y


def softmax_case(name, seed, n, d, k, l2, spread, constant_column=False, offset=0.0):
    rng = np.random.default_rng(seed)
    x, y = blobs(rng, n + 10, d, k, spread)
    x = x + offset
    if constant_column:
        x[:, 1] = 3.25
    x = x.astype(np.float32).astype(np.float64)
    train, test = x[:n], x[n:]
    ytrain = y[:n].astype(np.int64)
    mean, sd = standardize(train)
    xt = (train - mean) / sd
    C = 1.0 / (n * l2)
    clf = LogisticRegression(multi_class="multinomial", C=C, fit_intercept=True, solver="newton-cg", tol=1e-10, max_iter=10000)
    with warnings.catch_warnings():
        # newton-cg runs down to rounding level and then warns that it "failed to converge"; the gradient
        # check below is the real test that this is the optimum.
        warnings.simplefilter("ignore")
        clf.fit(xt, ytrain)
    if k == 2:
        coef = np.vstack([-clf.coef_[0], clf.coef_[0]])
        intercept = np.array([-clf.intercept_[0], clf.intercept_[0]])
    else:
        coef = clf.coef_
        intercept = clf.intercept_ - clf.intercept_.mean()
    w = np.vstack([coef.T, intercept[None, :]])
    f, g = objective(w, xt, ytrain, k, l2)
    grad_norm = float(np.linalg.norm(g))
    assert grad_norm < 1e-9, (name, grad_norm)
    p_train = clf.predict_proba(xt)
    p_test = clf.predict_proba((test - mean) / sd)
    assert np.allclose(p_train, softmax_rows(xt @ w[:d] + w[d]), atol=1e-12, rtol=0)
    return {
        "name": name,
        "rows": n,
        "cols": d,
        "classCount": k,
        "l2": l2,
        "sklearnC": C,
        "data": b64_f32(train),
        "labels": ytrain.tolist(),
        "testData": b64_f32(test),
        "mean": mean.tolist(),
        "scale": sd.tolist(),
        "weights": w.ravel().tolist(),
        "loss": float(f),
        "gradNormAtReference": grad_norm,
        "probabilities": p_train.ravel().tolist(),
        "testProbabilities": p_test.ravel().tolist(),
    }


def round_preserving_total(row, total):
    fl = np.floor(row)
    remaining = int(round(total - fl.sum()))
    order = sorted(range(len(row)), key=lambda j: (-(row[j] - fl[j]), j))
    for j in order[:remaining]:
        fl[j] += 1
    return fl.astype(np.int64)


def confident_learning(labels, p, k):
    n = len(labels)
    counts = np.bincount(labels, minlength=k)
    thresholds = np.array([p[labels == j, j].mean() if counts[j] > 0 else np.inf for j in range(k)])
    joint = np.zeros((k, k), dtype=np.int64)
    for i in range(n):
        confident = np.nonzero(p[i] >= thresholds - 1e-6)[0]
        if len(confident) == 0:
            continue
        best = confident[np.argmax(p[i, confident])]
        joint[labels[i], best] += 1
    for i in range(k):
        joint[i, i] = max(joint[i, i], 1)
    calibrated = np.zeros((k, k))
    prune = np.zeros((k, k), dtype=np.int64)
    for i in range(k):
        total = joint[i].sum()
        calibrated[i] = joint[i] * counts[i] / total
        prune[i] = round_preserving_total(calibrated[i], counts[i])
    issues = np.zeros(n, dtype=bool)
    for i in range(k):
        members = np.nonzero(labels == i)[0]
        for j in range(k):
            m = prune[i, j]
            if i == j or m <= 0:
                continue
            margin = p[members, j] - p[members, i]
            order = sorted(range(len(members)), key=lambda q: (-margin[q], members[q]))
            issues[members[order[:m]]] = True
    issues &= p.argmax(axis=1) != labels
    self_conf = p[np.arange(n), labels]
    others = p.copy()
    others[np.arange(n), labels] = -np.inf
    normalized_margin = (self_conf - others.max(axis=1) + 1) / 2
    flagged = np.nonzero(issues)[0]
    rank_self = sorted(flagged.tolist(), key=lambda r: (self_conf[r], r))
    rank_margin = sorted(flagged.tolist(), key=lambda r: (normalized_margin[r], r))
    return {
        "thresholds": [float(t) if np.isfinite(t) else None for t in thresholds],
        "confidentJoint": joint.ravel().tolist(),
        "calibratedJoint": (calibrated / n).ravel().tolist(),
        "pruneCounts": prune.ravel().tolist(),
        "issues": flagged.tolist(),
        "rankedBySelfConfidence": rank_self,
        "rankedByNormalizedMargin": rank_margin,
    }


def cl_case(name, seed, n, k, noise, sharpness, empty_class=None):
    """Out-of-fold-like probabilities: a noisy softmax around the true class, labels flipped at `noise`."""
    rng = np.random.default_rng(seed)
    true = rng.integers(0, k, size=n)
    if empty_class is not None:
        true[true == empty_class] = (empty_class + 1) % k
    logits = rng.standard_normal((n, k)) * 1.0
    logits[np.arange(n), true] += sharpness
    p = softmax_rows(logits)
    labels = true.copy()
    flip = rng.random(n) < noise
    labels[flip] = (true[flip] + rng.integers(1, k, size=flip.sum())) % k
    if empty_class is not None:
        labels[labels == empty_class] = (empty_class + 1) % k
    case = {"name": name, "rows": n, "classCount": k, "labels": labels.tolist(), "probabilities": p.ravel().tolist(), "flipped": np.nonzero(labels != true)[0].tolist()}
    case.update(confident_learning(labels, p, k))
    return case


def main():
    softmax_cases = [
        softmax_case("three-class", 11, 120, 5, 3, 1e-2, 1.0, constant_column=True),
        softmax_case("binary", 12, 80, 4, 2, 5e-2, 0.8),
        softmax_case("four-class-weak-penalty", 13, 150, 6, 4, 1e-3, 1.2, offset=40.0),
        softmax_case("separable", 14, 60, 3, 3, 1e-2, 4.0),
    ]
    with open(OUT_SOFTMAX, "w") as f:
        json.dump({"generator": "test/reference/make_softmax_fixtures.py", "cases": softmax_cases}, f, separators=(",", ":"))
    cl_cases = [
        cl_case("three-class", 21, 300, 3, 0.1, 2.5),
        cl_case("five-class", 22, 500, 5, 0.15, 3.0),
        cl_case("binary", 23, 200, 2, 0.1, 2.0),
        cl_case("empty-class", 24, 300, 4, 0.1, 2.5, empty_class=2),
        cl_case("no-noise", 25, 200, 3, 0.0, 4.0),
    ]
    with open(OUT_CL, "w") as f:
        json.dump({"generator": "test/reference/make_softmax_fixtures.py", "cases": cl_cases}, f, separators=(",", ":"))
    for c in softmax_cases:
        print("softmax", c["name"], "grad at sklearn optimum", c["gradNormAtReference"], "loss", c["loss"])
    for c in cl_cases:
        print("confident learning", c["name"], "issues", len(c["issues"]), "flipped", len(c["flipped"]))


if __name__ == "__main__":
    main()
