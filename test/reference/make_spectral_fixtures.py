#!/usr/bin/python3
"""Reference values for the spectral-signatures detector (Tran, Li & Madry, NeurIPS 2018).

Run with Debian's python3 and numpy (apt: python3-numpy):

    /usr/bin/python3 test/reference/make_spectral_fixtures.py

Writes test/fixtures/spectral.json. Deterministic: fixed seeds, and numpy's PCG64 generator, whose
stream is stable across numpy versions. Every input is rounded to float32 *before* anything is computed,
so this script (float64 arithmetic on those values) and the engine (float32 storage, float64 arithmetic)
see bit-identical inputs. The data travel as little-endian float32 bytes in base64, which is exact and
about a quarter of the size of decimal text.

Per class c the reference is the textbook computation with a full SVD (numpy.linalg.svd, LAPACK gesdd):
    X_c  = rows of class c, centred by their float64 mean
    X_c  = U S Vt,  v = Vt[0]           (top right singular vector; sign arbitrary)
    eig  = S**2 / n_c                    (eigenvalues of the 1/n_c covariance, descending)
    s_i  = ((r_i - mu) . v)**2           (scores)
    flag = the ceil(budgetFactor * eps * n_c) highest scores, ties to the lower position
The budget is computed in exact rational arithmetic from the decimal strings of eps and budgetFactor,
so 1.5 * 0.1 * 100 is 15, not ceil(15.000000000000002) = 16.
"""

import base64
import json
import math
import os
from fractions import Fraction

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "spectral.json")
BUDGET_FACTOR = "1.5"


def f32(a):
    return np.asarray(a, dtype=np.float64).astype(np.float32)


def b64_f32(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


def anisotropic(rng, n, d, scales, shift=None):
    """n rows of N(shift, Q diag(scales^2) Q^T) for a random orthogonal Q."""
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    z = rng.standard_normal((n, d)) * np.asarray(scales, dtype=np.float64)
    x = z @ q.T
    if shift is not None:
        x = x + shift
    return x


def budget(eps, n):
    return min(n, math.ceil(Fraction(BUDGET_FACTOR) * Fraction(eps) * n))


def flag_top(scores, k):
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    flagged = sorted(order[:k])
    threshold = float(scores[order[k - 1]]) if k > 0 else None  # None = Infinity
    return flagged, threshold


def reference_class(x64, rows, epsilons, vector_reliable):
    xc = x64[rows]
    n = len(rows)
    mu = xc.mean(axis=0)
    centred = xc - mu
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    eig = (s ** 2) / n
    v1 = vt[0]
    scores = (centred @ v1) ** 2
    out = {
        "rows": [int(r) for r in rows],
        "eigenvalues": [float(e) for e in eig],
    }
    if vector_reliable:
        v2 = vt[1]
        out["v1"] = [float(t) for t in v1]
        out["v2"] = [float(t) for t in v2]
        out["scores"] = [float(t) for t in scores]
        out["proj2"] = [float(t) for t in centred @ v2]
        out["flags"] = []
        for eps in epsilons:
            k = budget(eps, n)
            flagged, threshold = flag_top(scores, k)
            out["flags"].append({"epsilon": float(eps), "budget": k, "flagged": flagged, "threshold": threshold})
    else:
        # Top singular value (nearly) repeated: v1 alone is not determined, only the top-2 subspace is.
        out["topSubspace"] = [[float(t) for t in vt[0]], [float(t) for t in vt[1]]]
    return out


def make_case(name, description, x, labels, epsilons, vector_reliable=True, planted=None):
    x32 = f32(x)
    x64 = x32.astype(np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    classes = int(labels.max()) + 1
    per_class = []
    for c in range(classes):
        rows = np.flatnonzero(labels == c)
        per_class.append(reference_class(x64, rows, epsilons, vector_reliable))
    case = {
        "name": name,
        "description": description,
        "rows": int(x32.shape[0]),
        "cols": int(x32.shape[1]),
        "data": b64_f32(x32),
        "labels": [int(t) for t in labels],
        "classes": per_class,
        "epsilons": [float(e) for e in epsilons],
        "budgetFactor": float(BUDGET_FACTOR),
    }
    if planted is not None:
        case["planted"] = [int(r) for r in planted]
    return case


def case_small(rng):
    n, d = 40, 6
    x = np.vstack([
        anisotropic(rng, 22, d, [3.0, 1.5, 1.0, 0.7, 0.5, 0.3]),
        anisotropic(rng, 18, d, [2.5, 1.2, 0.9, 0.6, 0.4, 0.2], shift=5.0),
    ])
    labels = np.array([0] * 22 + [1] * 18)
    perm = rng.permutation(n)
    return make_case("small-40x6", "two anisotropic Gaussian classes of 22 and 18 rows", x[perm], labels[perm], ["0.1", "0.2"])


def case_mid(rng):
    d = 16
    sizes = [100, 60, 40]
    scales = np.geomspace(4.0, 0.25, d)
    blocks = [anisotropic(rng, m, d, scales * (1 + 0.2 * c), shift=rng.standard_normal(d) * 3) for c, m in enumerate(sizes)]
    x = np.vstack(blocks)
    labels = np.concatenate([[c] * m for c, m in enumerate(sizes)])
    perm = rng.permutation(len(labels))
    # eps = 0.1 with n_c = 100 and 1.5 is exactly 15 rows; floating point gives 15.000000000000002.
    return make_case("mid-200x16", "three classes of 100, 60 and 40 rows with geometric spectra", x[perm], labels[perm], ["0.05", "0.1"])


def case_planted(rng):
    d = 32
    n0, n1, n_poison = 300, 200, 30
    scales = np.concatenate([[2.0, 1.6, 1.3], np.ones(d - 3) * 0.8])
    clean0 = anisotropic(rng, n0 - n_poison, d, scales)
    trigger = rng.standard_normal(d)
    trigger *= 10.0 / np.linalg.norm(trigger)
    poison = anisotropic(rng, n_poison, d, scales, shift=trigger)
    class1 = anisotropic(rng, n1, d, scales, shift=rng.standard_normal(d) * 2)
    x = np.vstack([clean0, poison, class1])
    labels = np.array([0] * n0 + [1] * n1)
    is_poison = np.zeros(n0 + n1, dtype=bool)
    is_poison[n0 - n_poison:n0] = True
    perm = rng.permutation(n0 + n1)
    x, labels, is_poison = x[perm], labels[perm], is_poison[perm]
    return make_case(
        "planted-500x32",
        "class 0 (300 rows) holds 30 rows shifted by 10 along a trigger direction; class 1 is clean",
        x, labels, ["0.1", "0.15"], planted=np.flatnonzero(is_poison),
    )


def case_degenerate(rng):
    # A regular 60-gon of radius 4 in a plane (covariance 8·I_2 there, exactly in exact arithmetic, so the
    # top singular value is repeated) plus small distinct variances in the other 6 dims; rotated at random.
    n, d = 60, 8
    theta = 2 * np.pi * np.arange(n) / n
    x = np.zeros((n, d))
    x[:, 0] = 4 * np.cos(theta)
    x[:, 1] = 4 * np.sin(theta)
    noise = rng.standard_normal((n, d - 2))
    # Orthogonalise the noise against 1, cos and sin so the plane and the rest are uncorrelated exactly.
    basis, _ = np.linalg.qr(np.column_stack([np.ones(n), x[:, 0], x[:, 1]]))
    noise -= basis @ (basis.T @ noise)
    noise /= noise.std(axis=0)
    x[:, 2:] = noise * np.array([0.9, 0.7, 0.5, 0.4, 0.3, 0.2])
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    x = x @ q.T + 1.0
    labels = np.zeros(n, dtype=np.int64)
    return make_case(
        "degenerate-60x8",
        "repeated top singular value (gap ~1e-7 after float32 rounding): compare eigenvalues and the top-2 subspace only",
        x, labels, ["0.1"], vector_reliable=False,
    )


def main():
    rng = np.random.Generator(np.random.PCG64(20180612))
    cases = [case_small(rng), case_mid(rng), case_planted(rng), case_degenerate(rng)]
    doc = {
        "generator": "test/reference/make_spectral_fixtures.py",
        "numpy": np.__version__,
        "note": "data: little-endian float32, row-major, base64; eigenvalues: sigma_i^2 / n_c of the centred class matrix",
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
