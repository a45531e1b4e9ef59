import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { samplePath } from '../../electron/host/app-root.ts';
import { sampleFiles } from '../../scripts/make-sample.ts';

describe('bundled sample dataset', () => {
  it('is exactly what the deterministic generator writes (npm run sample)', () => {
    const { csv, truth } = sampleFiles();
    expect(readFileSync(samplePath(), 'utf8')).toBe(csv);
    expect(readFileSync(samplePath().replace('.csv', '.truth.json'), 'utf8')).toBe(truth);
  });

  it('plants the backdoor in one class only, with ids that exist', () => {
    const truth = JSON.parse(readFileSync(samplePath().replace('.csv', '.truth.json'), 'utf8'));
    const rows = readFileSync(samplePath(), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const labelOf = new Map(rows.map((r) => [r[0], r[1]]));
    expect(truth.poisonedIds).toHaveLength(45);
    for (const id of truth.poisonedIds) expect(labelOf.get(id)).toBe(truth.targetClass);
  });
});
