import { describe, expect, it } from 'vitest';
import { groupDuplicateRows, rowHashes } from '../../shared/engine/ingest/report.ts';
import { Random } from '../../shared/engine/random.ts';

/** Brute force: the number of rows equal (features bit for bit, and label) to an earlier row. */
function bruteDuplicateCount(features: Float32Array, d: number, labels: Int32Array): number {
  const bits = new Uint32Array(features.buffer, features.byteOffset, features.length);
  const seen = new Set<string>();
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    const key = `${labels[i]}|${Array.from(bits.subarray(i * d, (i + 1) * d)).join(',')}`;
    if (seen.has(key)) count++;
    else seen.add(key);
  }
  return count;
}

function plantedMatrix(rows: number, d: number, duplicates: number, seed: number) {
  const rng = new Random(seed);
  const features = new Float32Array(rows * d);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    labels[i] = Math.floor(rng.uniform() * 3);
    for (let j = 0; j < d; j++) features[i * d + j] = rng.normal();
  }
  for (let k = 0; k < duplicates; k++) {
    const from = Math.floor(rng.uniform() * rows);
    const to = Math.floor(rng.uniform() * rows);
    features.copyWithin(to * d, from * d, (from + 1) * d);
    // Every third copy keeps a different label: equal features, different rows.
    if (k % 3) labels[to] = labels[from];
  }
  return { features, labels };
}

describe('groupDuplicateRows', () => {
  for (const d of [1, 2, 3, 4, 5, 17]) {
    it(`counts exact duplicates as brute force does, ${d} feature(s) per row`, () => {
      const { features, labels } = plantedMatrix(5000, d, 400, d);
      const hashes = rowHashes(features, 0, labels.length, d);
      const found = groupDuplicateRows(hashes, features, d, labels);
      expect(found.count).toBe(bruteDuplicateCount(features, d, labels));
      for (const group of found.groups) {
        for (const row of group.slice(1)) {
          expect(labels[row]).toBe(labels[group[0]]);
          expect(Array.from(features.subarray(row * d, (row + 1) * d))).toEqual(Array.from(features.subarray(group[0] * d, (group[0] + 1) * d)));
        }
      }
    });
  }

  it('spreads rows of one feature over the table (200,000 distinct values and a few copies)', () => {
    // Rows of one feature all shared the low bits of their hash keys, so the table degenerated into one
    // probe run: this case took minutes. Spread over the table it is one pass.
    const { features, labels } = plantedMatrix(200_000, 1, 50, 7);
    const hashes = rowHashes(features, 0, labels.length, 1);
    expect(groupDuplicateRows(hashes, features, 1, labels).count).toBe(bruteDuplicateCount(features, 1, labels));
  });
});
