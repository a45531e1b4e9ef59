#!/usr/bin/python3
"""Reference values for the k-NN, duplicate and activation-clustering detectors, from scikit-learn.

Run with Debian's python3, numpy, scipy and scikit-learn:

    /usr/bin/python3 test/reference/make_knn_fixtures.py

Writes test/fixtures/knn.json, test/fixtures/duplicates.json and test/fixtures/activation-clustering.json.
Deterministic (numpy PCG64 with fixed seeds). Every input is rounded to float32 first, so this script
(float64 arithmetic on those values) and the engine (float32 storage, float64 arithmetic) see identical
inputs; matrices travel as little-endian float32 bytes in base64.

k-NN (Peri et al. 2020; cleanlab Datalab):
    sklearn.neighbors.NearestNeighbors(algorithm="brute").kneighbors()  -- self excluded, Euclidean
    outlier rule: mean k-NN distance > Q3 + (1/0.37037 - 1) * IQR, quartiles by numpy.percentile (linear)
    label disagreement: flagged when fewer neighbours share the row's label than carry the commonest
    other label (a tie for the plurality is kept); score = fraction of neighbours with another label
Near duplicates (cleanlab Datalab): pairs among the 10 nearest neighbours closer than
    0.13 * median nearest-neighbour distance.
Activation clustering (Chen et al. 2018, PCA instead of ICA): per class, centre, top-10 PCA by numpy SVD,
    sklearn.cluster.KMeans(2, n_init=10), sklearn.metrics.silhouette_score on the PCA scores.
Random data have no exact distance ties, so neighbour indices are unambiguous.
"""

import base64
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.neighbors import NearestNeighbors

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
IQR_FACTOR = 1 / 0.37037 - 1


def f32(a):
    return np.asarray(a, dtype=np.float64).astype(np.float32)


def b64_f32(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


def matrix(x32):
    return {"rows": int(x32.shape[0]), "cols": int(x32.shape[1]), "data": b64_f32(x32)}


def label_disagreement(idx, labels):
    flags, scores = [], []
    k = idx.shape[1]
    for i in range(len(labels)):
        counts = np.bincount(labels[idx[i]], minlength=labels.max() + 1)
        own = counts[labels[i]]
        other = max([c for j, c in enumerate(counts) if j != labels[i]] + [0])
        flags.append(int(own < other))
        scores.append(float((k - own) / k))
    return flags, scores


def knn_case(rng, name, n, d, k, classes):
    x32 = f32(rng.standard_normal((n, d)) * rng.uniform(0.5, 2.0, d) + rng.standard_normal(d) * 3)
    x64 = x32.astype(np.float64)
    labels = rng.integers(0, classes, n)
    dist, idx = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(x64).kneighbors()
    mean_dist = dist.mean(axis=1)
    q1, q3 = np.percentile(mean_dist, [25, 75])
    threshold = q3 + IQR_FACTOR * (q3 - q1)
    flags, scores = label_disagreement(idx, labels)
    return {
        "name": name,
        **matrix(x32),
        "k": k,
        "labels": [int(t) for t in labels],
        "classCount": classes,
        "indices": idx.astype(int).ravel().tolist(),
        "squaredDistances": (dist ** 2).ravel().tolist(),
        "outlier": {"q1": float(q1), "q3": float(q3), "threshold": float(threshold), "scores": mean_dist.tolist(),
                    "flagged": [int(i) for i in np.flatnonzero(mean_dist > threshold)]},
        "disagreement": {"flags": flags, "scores": scores},
    }


def cross_case(rng, n_ref, n_query, d, k):
    ref = f32(rng.standard_normal((n_ref, d)))
    query = f32(rng.standard_normal((n_query, d)) * 1.1)
    dist, idx = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(ref.astype(np.float64)).kneighbors(query.astype(np.float64))
    return {"reference": matrix(ref), "query": matrix(query), "k": k,
            "indices": idx.astype(int).ravel().tolist(), "squaredDistances": (dist ** 2).ravel().tolist()}


def duplicates_case(rng):
    n, d = 400, 12
    x = rng.standard_normal((n, d)) * 2 + 5  # away from the origin, where ‖a‖² + ‖b‖² − 2a·b cancels
    # Exact copies: rows 10, 200 and 399 equal row 3; row 50 equals row 7 but is labelled differently.
    for r in (10, 200, 399):
        x[r] = x[3]
    x[50] = x[7]
    # Near copies: row 120 ~ row 60, row 300 ~ row 250 (noise 1e-3 of the spread).
    x[120] = x[60] + rng.standard_normal(d) * 2e-3
    x[300] = x[250] + rng.standard_normal(d) * 2e-3
    x32 = f32(x)
    labels = rng.integers(0, 4, n)
    labels[[10, 200, 399]] = labels[3]
    labels[50] = (labels[7] + 1) % 4
    labels[120] = labels[60]
    labels[300] = (labels[250] + 2) % 4
    dist, idx = NearestNeighbors(n_neighbors=10, algorithm="brute").fit(x32.astype(np.float64)).kneighbors()
    med = float(np.median(dist[:, 0]))
    threshold = 0.13 * med
    pairs = sorted({(min(i, int(j)), max(i, int(j))) for i in range(n) for j, dd in zip(idx[i], dist[i]) if dd < threshold})
    return {
        **matrix(x32),
        "labels": [int(t) for t in labels],
        "nearFactor": 0.13,
        "medianNnDistance": med,
        "threshold": threshold,
        "nnDistance": dist[:, 0].tolist(),
        "pairs": [list(p) for p in pairs],
        "conflictPairs": [list(p) for p in pairs if labels[p[0]] != labels[p[1]]],
    }


def anisotropic(rng, n, d, scales):
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return (rng.standard_normal((n, d)) * np.asarray(scales)) @ q.T


def clustering_class(x64, rows, dims):
    xc = x64[rows]
    n = len(rows)
    centred = xc - xc.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    z = centred @ vt[:dims].T
    km = KMeans(n_clusters=2, n_init=10, random_state=0).fit(z)
    assign = km.labels_
    if assign.sum() > n - assign.sum():
        assign = 1 - assign
    return {
        "rows": [int(r) for r in rows],
        "eigenvalues": (s[:dims] ** 2 / n).tolist(),
        "assign": [int(a) for a in assign],
        "inertia": float(km.inertia_),
        "totalSumOfSquares": float((z ** 2).sum()),
        "silhouette": float(silhouette_score(z, assign)),
        "relativeSize": float(assign.sum() / n),
    }


def clustering_case(rng):
    d = 24
    scales = np.geomspace(3.0, 0.5, d)
    clean = anisotropic(rng, 300, d, scales) + rng.standard_normal(d) * 4
    base = anisotropic(rng, 270, d, scales)
    trigger = rng.standard_normal(d)
    poison = anisotropic(rng, 30, d, scales) + trigger * (12 / np.linalg.norm(trigger))
    x = np.vstack([clean, base, poison])
    labels = np.array([0] * 300 + [1] * 300)
    perm = rng.permutation(600)
    x32 = f32(x[perm])
    labels = labels[perm]
    x64 = x32.astype(np.float64)
    planted = np.flatnonzero(perm >= 570)
    return {
        **matrix(x32),
        "labels": [int(t) for t in labels],
        "dims": 10,
        "planted": [int(r) for r in planted],
        "classes": [clustering_class(x64, np.flatnonzero(labels == c), 10) for c in range(2)],
    }


def silhouette_cases(rng):
    out = []
    z = np.vstack([rng.standard_normal((60, 3)), rng.standard_normal((40, 3)) + [2.5, 0, 0]])
    assign = np.array([0] * 60 + [1] * 40)
    out.append({"name": "two blobs", "p": 3, "z": z.ravel().tolist(), "assign": assign.tolist(), "silhouette": float(silhouette_score(z, assign))})
    z = rng.standard_normal((30, 2))
    assign = np.zeros(30, dtype=int)
    assign[17] = 1  # a singleton: its s_i is 0
    out.append({"name": "singleton", "p": 2, "z": z.ravel().tolist(), "assign": assign.tolist(), "silhouette": float(silhouette_score(z, assign))})
    return out


def write(name, doc):
    path = os.path.join(FIXTURES, name)
    doc = {"generator": "test/reference/make_knn_fixtures.py", "numpy": np.__version__, "sklearn": sklearn.__version__, **doc}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes)")


def main():
    rng = np.random.Generator(np.random.PCG64(20200823))
    os.makedirs(FIXTURES, exist_ok=True)
    write("knn.json", {
        "cases": [knn_case(rng, "300x8 k=5", 300, 8, 5, 3), knn_case(rng, "120x33 k=10", 120, 33, 10, 4)],
        "cross": cross_case(rng, 200, 90, 16, 3),
    })
    write("duplicates.json", duplicates_case(rng))
    write("activation-clustering.json", {"case": clustering_case(rng), "silhouette": silhouette_cases(rng)})


if __name__ == "__main__":
    main()
