import { useState } from 'react';
import { selectScan, useStore } from '../../store/index.ts';
import { nf } from '../../ui/format.ts';

/**
 * Puts rows found by a privacy check (rows holding PII, leaked training rows) into a quarantine set, so the
 * cleaned export leaves them out. Quarantine sets hang on the dataset's scan, so this needs one.
 */
export function QuarantineButton({ rows, name, origin, testId }: { rows: ArrayLike<number>; name: string; origin: string; testId: string }) {
  const hasScan = useStore((s) => selectScan(s) !== null);
  const addSet = useStore((s) => s.addQuarantineSet);
  const [made, setMade] = useState<string | null>(null);
  return (
    <span className="privacy-quarantine">
      <button
        type="button"
        className="btn tiny"
        data-testid={testId}
        disabled={!hasScan || rows.length === 0}
        title={hasScan ? 'Add these rows to a quarantine set (the cleaned export leaves them out)' : 'Quarantine sets belong to a scan: run one first'}
        onClick={() => {
          const set = addSet(name, origin, rows);
          if (set) setMade(set.name);
        }}
      >
        Quarantine {nf.format(rows.length)} rows
      </button>
      {made && <span className="muted small"> added “{made}”</span>}
    </span>
  );
}
