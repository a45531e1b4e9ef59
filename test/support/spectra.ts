/** Test matrices with a known spectrum, for the eigen-solvers' tests. */
import { Random } from '../../shared/engine/random.ts';

/** Random orthogonal m×m (row-major) by Gram–Schmidt, twice, on Gaussian columns. */
export function randomOrthogonal(m: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const q = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < m; i++) q[i * m + j] = rng.normal();
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += q[i * m + k] * q[i * m + j];
        for (let i = 0; i < m; i++) q[i * m + j] -= s * q[i * m + k];
      }
    }
    let nrm = 0;
    for (let i = 0; i < m; i++) nrm += q[i * m + j] ** 2;
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < m; i++) q[i * m + j] /= nrm;
  }
  return q;
}

/** A = Q·diag(λ)·Qᵀ (symmetrised exactly) and its eigenvectors Q, as columns. */
export function withSpectrum(lambda: number[], seed: number): { a: Float64Array; q: Float64Array } {
  const m = lambda.length;
  const q = randomOrthogonal(m, seed);
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += q[i * m + k] * lambda[k] * q[j * m + k];
      a[i * m + j] = a[j * m + i] = s;
    }
  }
  return { a, q };
}
