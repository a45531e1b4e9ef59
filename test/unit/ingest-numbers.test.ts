import { describe, expect, it } from 'vitest';
import { NumberState, classifyNumber, scanDecimal } from '../../shared/engine/ingest/numbers.ts';
import { HISTOGRAM_SAMPLE_ROWS, MomentAccumulator, featureHistograms, histogramEdges, histogramSample, mergeMoments } from '../../shared/engine/ingest/stats.ts';
import { mergeFindings, scanMatrix } from '../../shared/engine/ingest/report.ts';
import { MOMENT_SCRATCH_FLOATS } from '../../shared/engine/ingest/stats.ts';
import { momentKernel, sharedKernelMemory } from '../../shared/engine/kernels/moment-kernels.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

/** The value the general path gives: the float32 of Number(text), as a Float32Array stores it. */
const general = (text: string) => Float32Array.of(Number(text))[0];

/** The byte path's value, or null when it defers to classifyNumber. */
function fast(text: string): number | null {
  const out = new Float64Array(1);
  const b = bytes(text);
  const after = scanDecimal(b, 0, b.length, out);
  return after === b.length ? Float32Array.of(out[0])[0] : null;
}

describe('scanDecimal (the byte-level number path)', () => {
  it('gives the same float32 as Math.fround(Number(text)), bit for bit, on random decimals', () => {
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let fastCount = 0;
    for (let k = 0; k < 200_000; k++) {
      const digits = 1 + Math.floor(rand() * 18);
      let text = rand() < 0.5 ? '-' : '';
      const point = Math.floor(rand() * (digits + 1));
      for (let i = 0; i < digits; i++) text += (i === point ? '.' : '') + Math.floor(rand() * 10);
      if (rand() < 0.3) text += `e${rand() < 0.5 ? '-' : '+'}${Math.floor(rand() * 30)}`;
      const value = fast(text);
      if (value === null) continue;
      fastCount++;
      expect(Object.is(value, general(text)), text).toBe(true);
    }
    expect(fastCount).toBeGreaterThan(100_000);
  });

  it('handles the edges as Number() does, or defers to it', () => {
    for (const text of ['0', '-0', '+1', '.5', '5.', '1e5', '1E-5', '-0e99', '9007199254740991', '0.1', '3.4028235e38', '1.17549435e-38']) {
      const value = fast(text);
      if (value !== null) expect(Object.is(value, general(text)), text).toBe(true);
    }
    for (const text of ['', '-', '.', 'e5', '1e', '1e+', '0x10', ' 1', 'Infinity', 'NaN', '1_000', '12345678901234567']) expect(fast(text), text).toBeNull();
  });
});

describe('classifyNumber (the general path and the fallback)', () => {
  it('tells missing, non-finite and non-numbers apart', () => {
    expect(classifyNumber(' 0.1 ')).toEqual({ state: NumberState.Ok, value: Math.fround(0.1) });
    for (const t of ['', '  ', 'NA', 'null', 'None']) expect(classifyNumber(t).state, t).toBe(NumberState.Missing);
    for (const t of ['NaN', 'nan', 'inf', '-Infinity', '1e39']) expect(classifyNumber(t).state, t).toBe(NumberState.NonFinite);
    for (const t of ['abc', '1,5', '--1']) expect(classifyNumber(t).state, t).toBe(NumberState.NotANumber);
  });
});

describe('moments and histograms', () => {
  it('merge chunks to the moments of the whole (Chan et al.), with the sample variance', () => {
    const values = Float32Array.from({ length: 300 }, (_, i) => 1e4 + Math.sin(i) * 3);
    const whole = new MomentAccumulator(1);
    const a = new MomentAccumulator(1);
    const b = new MomentAccumulator(1);
    values.forEach((_, i) => {
      whole.addRow(values, i);
      (i < 120 ? a : b).addRow(values, i);
    });
    const merged = mergeMoments(a.moments(), b.moments());
    const direct = Array.from(values).reduce((s, x) => s + x, 0) / values.length;
    const m2 = Array.from(values).reduce((s, x) => s + (x - direct) ** 2, 0);
    expect(merged.n).toBe(300);
    expect(Math.abs(merged.mean[0] - direct) / direct).toBeLessThan(1e-14);
    expect(Math.abs(merged.m2[0] - m2) / m2).toBeLessThan(1e-9);
    expect(Math.abs(whole.moments().m2[0] - m2) / m2).toBeLessThan(1e-9);
    expect(merged.min[0]).toBe(Math.min(...values));
  });

  it('adds clean blocks of rows (addRows) bit for bit as addRow does, and refuses a block with a non-finite value', () => {
    const d = 5;
    const rows = 70;
    const values = Float32Array.from({ length: rows * d }, (_, k) => 1e3 * Math.sin(k * 0.37) + (k % d) * 7);
    const byRow = new MomentAccumulator(d);
    const byBlock = new MomentAccumulator(d);
    for (let i = 0; i < rows; i++) byRow.addRow(values, i * d);
    byBlock.addRow(values, 0);
    for (let i = 1; i < rows; i += 16) expect(byBlock.addRows(values, i * d, Math.min(16, rows - i))).toBe(true);
    const [a, b] = [byRow.moments(), byBlock.moments()];
    expect(b.n).toBe(rows);
    for (const key of ['mean', 'm2', 'min', 'max'] as const) expect(Array.from(b[key])).toEqual(Array.from(a[key]));
    for (const bad of [NaN, Infinity, -Infinity]) {
      const dirty = values.slice();
      dirty[3 * d + 2] = bad;
      const acc = new MomentAccumulator(d);
      acc.addRow(dirty, 0);
      expect(acc.addRows(dirty, d, 16), String(bad)).toBe(false);
      const firstRowOnly = new MomentAccumulator(d);
      firstRowOnly.addRow(dirty, 0);
      expect(acc.moments()).toEqual(firstRowOnly.moments());
    }
  });

  it('count over [min, max] with the maximum in the last bin', () => {
    expect(Array.from(featureHistograms(Float32Array.of(0, 1, 2, 3), 4, 1, [0], [3], 3))).toEqual([1, 1, 2]);
    expect(histogramEdges(0, 3, 3)).toEqual([0, 1, 2, 3]);
    // Odd and even widths, a constant column, values at the edges and beyond a narrower range.
    const m = Float32Array.of(0, 5, 1, 2, 5, 1, 4, 5, 1, -1, 5, 9);
    expect(Array.from(featureHistograms(m, 4, 3, [0, 5, 0], [4, 5, 2], 2))).toEqual([2, 2, 4, 0, 0, 4]);
  });

  it('count every row up to HISTOGRAM_SAMPLE_ROWS rows, and beyond a fixed uniform sample that ranges split', () => {
    expect(HISTOGRAM_SAMPLE_ROWS).toBe(20_000);
    expect(histogramSample(20_000)).toBeNull();
    const sample = histogramSample(100_000)!;
    expect(sample.length).toBe(20_000);
    expect(Array.from(histogramSample(100_000)!)).toEqual(Array.from(sample)); // deterministic
    for (let k = 1; k < sample.length; k++) expect(sample[k] > sample[k - 1]).toBe(true);
    expect(sample[sample.length - 1]).toBeLessThan(100_000);
    // Uniform: each tenth of the rows holds about a tenth of the sample.
    const tenths = new Array<number>(10).fill(0);
    for (const i of sample) tenths[Math.floor(i / 10_000)]++;
    for (const t of tenths) expect(Math.abs(t - 2000)).toBeLessThan(200);
    expect(histogramSample(10, 3)!.length).toBe(3);

    // Findings over ranges add up to the whole, with the sample's rows counted.
    const rows = 30_000;
    const d = 3;
    const m = Float32Array.from({ length: rows * d }, (_, k) => Math.sin(k * 0.7) * 10);
    const min = [-10, -10, -10];
    const max = [10, 10, 10];
    const s = histogramSample(rows)!;
    const whole = scanMatrix(m, 0, rows, d, min, max, s);
    const parts = mergeFindings([scanMatrix(m, 0, 12_345, d, min, max, s), scanMatrix(m, 12_345, rows, d, min, max, s)]);
    expect(whole.histogramRows).toBe(20_000);
    expect(parts.histogramRows).toBe(20_000);
    expect(Array.from(parts.histograms)).toEqual(Array.from(whole.histograms));
    expect(Array.from(parts.hashes)).toEqual(Array.from(whole.hashes));
    for (let j = 0; j < d; j++) expect(whole.histograms.subarray(j * whole.bins, (j + 1) * whole.bins).reduce((a, b) => a + b, 0)).toBe(20_000);
    // The sampled counts equal counting the sampled rows directly.
    const picked = new Float32Array(s.length * d);
    s.forEach((i, k) => picked.set(m.subarray(i * d, (i + 1) * d), k * d));
    expect(Array.from(whole.histograms)).toEqual(Array.from(featureHistograms(picked, s.length, d, min, max)));
    // Without a sample every row counts, as before.
    expect(scanMatrix(m, 0, 1000, d, min, max).histogramRows).toBe(1000);
  });

  it('run addRows as WebAssembly SIMD on a shared memory with the scalar results bit for bit', () => {
    const d = 12;
    const rows = 70;
    const memory = sharedKernelMemory(64 + rows * d * 4 + 2 * MOMENT_SCRATCH_FLOATS(d) * 8 + 64);
    expect(memory).not.toBeNull();
    const kernel = momentKernel(memory!);
    const values = new Float32Array(kernel.buffer, 64, rows * d);
    values.set(Float32Array.from({ length: rows * d }, (_, k) => 1e3 * Math.sin(k * 0.37) + (k % d) * 7));
    values[5 * d + 3] = -0;
    values[6 * d + 3] = 0;
    const scratch = Math.ceil((64 + rows * d * 4) / 16) * 16;
    const scalar = new MomentAccumulator(d);
    const simd = new MomentAccumulator(d, { kernel, offset: scratch });
    for (const acc of [scalar, simd]) {
      acc.addRow(values, 0);
      for (let i = 1; i < rows; i += 16) expect(acc.addRows(values, i * d, Math.min(16, rows - i))).toBe(true);
    }
    const [a, b] = [scalar.moments(), simd.moments()];
    expect(b.n).toBe(rows);
    for (const key of ['mean', 'm2', 'min', 'max'] as const) {
      expect(Buffer.from(b[key].buffer).equals(Buffer.from(a[key].buffer)), key).toBe(true);
    }
    for (const bad of [NaN, Infinity, -Infinity]) {
      const keep = values[3 * d + 2];
      values[3 * d + 2] = bad;
      const acc = new MomentAccumulator(d, { kernel, offset: scratch + MOMENT_SCRATCH_FLOATS(d) * 8 });
      acc.addRow(values, 0);
      expect(acc.addRows(values, d, 16), String(bad)).toBe(false);
      expect(acc.addRows(values, 17 * d, 16)).toBe(true);
      values[3 * d + 2] = keep;
    }
  });
});
