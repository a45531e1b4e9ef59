/** A row-major matrix of float32 values, usually a view on a SharedArrayBuffer shared with workers. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/**
 * Column means of the rows named by `rowIndex`, accumulated in float64.
 * @example classMean({ data: Float32Array.of(1, 2, 3, 4), rows: 2, cols: 2 }, Int32Array.of(0, 1)) // → [2, 3]
 */
export function classMean(x: Matrix, rowIndex: Int32Array): Float64Array {
  const d = x.cols;
  const mean = new Float64Array(d);
  const data = x.data;
  for (let r = 0; r < rowIndex.length; r++) {
    const base = rowIndex[r] * d;
    for (let k = 0; k < d; k++) mean[k] += data[base + k];
  }
  const inv = rowIndex.length > 0 ? 1 / rowIndex.length : 0;
  for (let k = 0; k < d; k++) mean[k] *= inv;
  return mean;
}

/** Row indices of each class, in row order. */
export function rowsByClass(labels: Int32Array, classCount: number): Int32Array[] {
  const counts = new Int32Array(classCount);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const out = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(classCount);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    out[c][fill[c]++] = i;
  }
  return out;
}
