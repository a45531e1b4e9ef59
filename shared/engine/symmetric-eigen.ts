/**
 * Eigen-decomposition of a small dense symmetric matrix by the cyclic Jacobi method (Golub & Van Loan,
 * Matrix Computations, 4th ed., §8.5). Used on Lanczos tridiagonals of at most a few hundred rows, where its
 * O(m³) per sweep is negligible and its accuracy (small relative error in every eigenvalue) is what we want.
 *
 * @param a row-major m×m symmetric matrix; not modified.
 * @returns eigenvalues in descending order and the matching unit eigenvectors as columns of a row-major m×m.
 * @example
 *   symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values // → Float64Array [3, 1]
 */
export function symmetricEigen(a: Float64Array, m: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a.subarray(0, m * m));
  const V = new Float64Array(m * m);
  for (let i = 0; i < m; i++) V[i * m + i] = 1;

  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < m; i++) {
      diag += A[i * m + i] * A[i * m + i];
      for (let j = i + 1; j < m; j++) off += A[i * m + j] * A[i * m + j];
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = A[p * m + q];
        if (apq === 0) continue;
        const app = A[p * m + p];
        const aqq = A[q * m + q];
        // Rotation angle that zeroes A[p][q] (Golub & Van Loan Alg. 8.5.1, sym.schur2).
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = A[k * m + p];
          const akq = A[k * m + q];
          A[k * m + p] = c * akp - s * akq;
          A[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = A[p * m + k];
          const aqk = A[q * m + k];
          A[p * m + k] = c * apk - s * aqk;
          A[q * m + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = V[k * m + p];
          const vkq = V[k * m + q];
          V[k * m + p] = c * vkp - s * vkq;
          V[k * m + q] = s * vkp + c * vkq;
        }
      }
    }
  }

  const order = Array.from({ length: m }, (_, i) => i).sort((i, j) => A[j * m + j] - A[i * m + i]);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  order.forEach((src, dst) => {
    values[dst] = A[src * m + src];
    for (let k = 0; k < m; k++) vectors[k * m + dst] = V[k * m + src];
  });
  return { values, vectors };
}
