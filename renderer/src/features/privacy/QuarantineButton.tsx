import { useState } from 'react';
import { quarantineRows, type QuarantineReason } from '../quarantine/index.ts';
import { useStore } from '../../store/index.ts';
import { nf } from '../../ui/format.ts';

/**
 * Puts rows found by a privacy check (rows holding PII, leaked training rows) into a quarantine set, so the
 * cleaned export leaves them out. No scan is needed: the set keeps the check's own evidence (`reasons`,
 * aligned with `rows`), and every detector's verdict too when the dataset has a scan.
 */
export function QuarantineButton({ rows, name, origin, testId, reasons }: { rows: ArrayLike<number>; name: string; origin: string; testId: string; reasons?: QuarantineReason[] }) {
  const showError = useStore((s) => s.showError);
  const [made, setMade] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <span className="privacy-quarantine">
      <button
        type="button"
        className="btn tiny"
        data-testid={testId}
        disabled={busy || rows.length === 0}
        title="Add these rows to a quarantine set (the cleaned export leaves them out)"
        onClick={() => {
          setBusy(true);
          quarantineRows(name, origin, rows, reasons)
            .then((set) => set && setMade(set.name))
            .catch((err: unknown) => showError(`Quarantine ${name}`, err))
            .finally(() => setBusy(false));
        }}
      >
        Quarantine {nf.format(rows.length)} rows
      </button>
      {made && <span className="muted small"> added “{made}”</span>}
    </span>
  );
}
