/** Inline editors for worksheet tables (fields, remove buttons, detail rows), and the "how computed" disclosure every score carries. */
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { Explained } from '../../../../shared/engine/risk.ts';
import { fmt } from '../../../../shared/engine/risk.ts';

interface NumberInputProps {
  value: number;
  min: number;
  max: number;
  step?: number;
  label: string;
  testId?: string;
  onCommit: (value: number) => void;
  className?: string;
}

/**
 * A number field that commits every valid value as it is typed and keeps what is typed while it is not valid
 * (marked, with the allowed range in its title), so an analyst can type "0." on the way to "0.5".
 */
export function NumberInput({ value, min, max, step = 0.05, label, testId, onCommit, className }: NumberInputProps) {
  const [text, setText] = useState(fmt(value));
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setText(fmt(value));
  }, [value, focused]);
  const parsed = text.trim() === '' ? Number.NaN : Number(text);
  const valid = Number.isFinite(parsed) && parsed >= min && parsed <= max;
  return (
    <input
      type="number"
      inputMode="decimal"
      className={`ws-num ${className ?? ''}`}
      aria-label={label}
      aria-invalid={!valid}
      title={valid ? label : `${label}: a number from ${min} to ${max}`}
      data-testid={testId}
      min={min}
      max={max}
      step={step}
      value={text}
      onFocus={() => setFocused(true)}
      onBlur={() => {
        setFocused(false);
        setText(fmt(value));
      }}
      onChange={(e) => {
        setText(e.target.value);
        const v = Number(e.target.value);
        if (e.target.value.trim() !== '' && Number.isFinite(v) && v >= min && v <= max) onCommit(v);
      }}
    />
  );
}

export function TextInput({ value, label, testId, onCommit, placeholder, wide }: { value: string; label: string; testId?: string; onCommit: (v: string) => void; placeholder?: string; wide?: boolean }) {
  return (
    <input
      type="text"
      className={`ws-text ${wide ? 'wide' : ''}`}
      aria-label={label}
      data-testid={testId}
      placeholder={placeholder}
      value={value}
      onChange={(e) => onCommit(e.target.value)}
    />
  );
}

export function TextArea({ value, label, testId, onCommit, rows = 2 }: { value: string; label: string; testId?: string; onCommit: (v: string) => void; rows?: number }) {
  return <textarea className="ws-textarea" aria-label={label} data-testid={testId} rows={rows} value={value} onChange={(e) => onCommit(e.target.value)} />;
}

export function Select<T extends string>({ value, options, label, testId, onCommit }: { value: T; options: readonly (readonly [T, string])[]; label: string; testId?: string; onCommit: (v: T) => void }) {
  return (
    <select className="ws-select" aria-label={label} data-testid={testId} value={value} onChange={(e) => onCommit(e.target.value as T)}>
      {options.map(([key, text]) => (
        <option key={key} value={key}>
          {text}
        </option>
      ))}
    </select>
  );
}

/** The × that removes an entry (a table row, a role, a piece of evidence). */
export function RemoveButton({ label, onRemove }: { label: string; onRemove: () => void }) {
  return (
    <button type="button" className="btn tiny danger" aria-label={label} onClick={onRemove}>
      ×
    </button>
  );
}

/** The row under an expanded table row with the rest of its fields, under every column but the first (the expand button's). */
export function DetailRow({ colSpan, testId, children }: { colSpan: number; testId: string; children: ReactNode }) {
  return (
    <tr className="ws-detail-row">
      <td />
      <td colSpan={colSpan}>
        <div className="ws-detail" data-testid={testId}>
          {children}
        </div>
      </td>
    </tr>
  );
}

/** A figure with its working one click away. */
export function Score({ label, value, testId, digits = 3, suffix, tone }: { label: ReactNode; value: Explained; testId: string; digits?: number; suffix?: string; tone?: 'bad' | 'ok' }) {
  const id = useId();
  return (
    <div className={`ws-score ${tone ?? ''}`}>
      <div className="ws-score-label" id={id}>
        {label}
      </div>
      <div className="ws-score-value" data-testid={testId} data-value={value.value} aria-labelledby={id}>
        {Number.isFinite(value.value) ? Number(value.value.toFixed(digits)).toString() : '—'}
        {suffix}
      </div>
      <details className="ws-how">
        <summary>how computed</summary>
        <code data-testid={`${testId}-how`}>{value.how}</code>
      </details>
    </div>
  );
}

/** A number in a table cell whose working shows on hover and in a disclosure. */
export function HowCell({ value, testId }: { value: Explained; testId?: string }) {
  return (
    <td className="num" title={value.how}>
      <span data-testid={testId} data-value={value.value}>
        {fmt(value.value)}
      </span>
    </td>
  );
}

/** Today as yyyy-mm-dd in local time (what a date input shows). */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
