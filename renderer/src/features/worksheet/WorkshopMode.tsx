/**
 * Workshop mode: one threat at a time in large type for a room. Participants give their estimates of P and I in
 * turn, hidden until everyone has given theirs (so nobody anchors on the first voice), then the median and spread
 * are shown and the group settles a value. The facilitator has a timer per threat and notes.
 * Keys: → / PageDown / N next threat, ← / PageUp / P previous, T start or pause the timer, Esc leave.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { THREAT_KINDS, type Worksheet } from '../../../../shared/domain/worksheet.ts';
import { fmt, scoreThreat, summarizeEstimates, type EstimateSummary } from '../../../../shared/engine/risk.ts';
import { AtlasChips } from './AtlasPicker.tsx';
import { NumberInput } from './inputs.tsx';
import { threatLabel } from './plots.tsx';
import { useCatalogs, type UpdateWorksheet } from './use-worksheet.ts';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

function useTimer(seconds: number, resetKey: string) {
  const [running, setRunning] = useState(false);
  const [elapsed, setElapsed] = useState(0);
  const startedAt = useRef<number | null>(null);
  const before = useRef(0);
  useEffect(() => {
    setRunning(false);
    setElapsed(0);
    before.current = 0;
    startedAt.current = null;
  }, [resetKey]);
  useEffect(() => {
    if (!running) return;
    startedAt.current = Date.now();
    const tick = () => setElapsed(before.current + (Date.now() - (startedAt.current ?? Date.now())) / 1000);
    const timer = setInterval(tick, 250);
    return () => {
      clearInterval(timer);
      before.current += (Date.now() - (startedAt.current ?? Date.now())) / 1000;
      startedAt.current = null;
    };
  }, [running]);
  const left = seconds - elapsed;
  return {
    running,
    left,
    toggle: () => setRunning((r) => !r),
    reset: () => {
      // Clearing the start first makes the running effect's cleanup add nothing to the cleared total.
      startedAt.current = null;
      before.current = 0;
      setRunning(false);
      setElapsed(0);
    },
  };
}

function clock(s: number): string {
  const sign = s < 0 ? '−' : '';
  const a = Math.abs(Math.round(s));
  return `${sign}${Math.floor(a / 60)}:${String(a % 60).padStart(2, '0')}`;
}

function Spread({ what, s, testId }: { what: string; s: EstimateSummary; testId: string }) {
  return (
    <div className="ws-spread" data-testid={testId}>
      <span className="ws-spread-label">{what}</span>
      <span className="ws-spread-median" data-testid={`${testId}-median`}>
        median {fmt(s.median)}
      </span>
      <span className="ws-spread-range">
        IQR {fmt(s.iqr)} · range {fmt(s.min)}–{fmt(s.max)} · n = {s.n}
      </span>
    </div>
  );
}

export function WorkshopMode({ worksheet, update, onExit }: { worksheet: Worksheet; update: UpdateWorksheet; onExit: () => void }) {
  const catalogs = useCatalogs();
  const [index, setIndex] = useState(0);
  const [revealed, setRevealed] = useState(false);
  const [newParticipant, setNewParticipant] = useState('');
  const [draft, setDraft] = useState<{ p: number; i: number }>({ p: 0.5, i: 5 });
  const threats = worksheet.threats;
  const threat = threats[Math.min(index, threats.length - 1)] ?? null;
  const timer = useTimer(worksheet.workshop.minutesPerThreat * 60, threat?.id ?? '');
  const rootRef = useRef<HTMLDivElement>(null);

  const estimates = useMemo(() => worksheet.workshop.estimates.filter((e) => e.threatId === threat?.id), [worksheet.workshop.estimates, threat]);
  const { participants } = worksheet.workshop;
  const next = participants.find((p) => !estimates.some((e) => e.participant === p)) ?? null;
  const everyone = participants.length > 0 && next === null;
  const show = revealed || everyone;
  const pSummary = summarizeEstimates(estimates.map((e) => e.probability));
  const iSummary = summarizeEstimates(estimates.map((e) => e.impact));
  const [settle, setSettle] = useState<{ p: number; i: number } | null>(null);

  useEffect(() => {
    setRevealed(false);
    setSettle(null);
  }, [threat?.id]);

  const go = (delta: number) => setIndex((k) => Math.max(0, Math.min(threats.length - 1, k + delta)));

  useEffect(() => {
    rootRef.current?.focus();
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !isTyping(e.target)) {
        e.preventDefault();
        onExit();
        return;
      }
      if (isTyping(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === 'ArrowRight' || e.key === 'PageDown' || e.key === 'n') {
        e.preventDefault();
        go(1);
      } else if (e.key === 'ArrowLeft' || e.key === 'PageUp' || e.key === 'p') {
        e.preventDefault();
        go(-1);
      } else if (e.key === 't') {
        e.preventDefault();
        timer.toggle();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (!threat) {
    return (
      <div className="ws-workshop" role="dialog" aria-modal="true" aria-label="Workshop" data-testid="ws-workshop" tabIndex={-1} ref={rootRef}>
        <p className="ws-workshop-empty">This worksheet has no threats to discuss yet.</p>
        <button type="button" className="btn big" onClick={onExit}>
          Leave workshop
        </button>
      </div>
    );
  }

  const k = threats.indexOf(threat);
  const score = scoreThreat(threat, worksheet.controls);
  const settled = settle ?? { p: pSummary?.median ?? threat.probability, i: iSummary?.median ?? threat.impact };

  const addEstimate = () => {
    if (!next) return;
    update((d) => {
      d.workshop.estimates = d.workshop.estimates.filter((e) => !(e.threatId === threat.id && e.participant === next));
      d.workshop.estimates.push({ threatId: threat.id, participant: next, probability: draft.p, impact: draft.i });
    });
  };

  return (
    <div className="ws-workshop" role="dialog" aria-modal="true" aria-label="Workshop" data-testid="ws-workshop" tabIndex={-1} ref={rootRef}>
      <header className="ws-workshop-bar">
        <span className="ws-workshop-name">{worksheet.name}</span>
        <span className="ws-workshop-pos" data-testid="ws-workshop-position">
          {k + 1} / {threats.length}
        </span>
        <button type="button" className="btn" onClick={() => go(-1)} disabled={k === 0} aria-label="Previous threat" data-testid="ws-workshop-prev">
          ←
        </button>
        <button type="button" className="btn" onClick={() => go(1)} disabled={k === threats.length - 1} aria-label="Next threat" data-testid="ws-workshop-next">
          →
        </button>
        <span className="spacer" />
        <span className={`ws-timer ${timer.left < 0 ? 'over' : ''}`} data-testid="ws-timer" aria-live="off">
          {clock(timer.left)}
        </span>
        <button type="button" className="btn" data-testid="ws-timer-toggle" onClick={timer.toggle}>
          {timer.running ? 'Pause' : 'Start'}
        </button>
        <button type="button" className="btn" onClick={timer.reset}>
          Reset
        </button>
        <label className="ws-workshop-minutes">
          min/threat
          <NumberInput value={worksheet.workshop.minutesPerThreat} min={0.5} max={240} step={1} label="Minutes per threat" onCommit={(v) => update((d) => void (d.workshop.minutesPerThreat = v))} />
        </label>
        <button type="button" className="btn" data-testid="ws-workshop-exit" onClick={onExit}>
          Leave (Esc)
        </button>
      </header>

      <main className="ws-workshop-main">
        <section className="ws-workshop-threat">
          <div className="ws-workshop-kind">
            {threatLabel(k)} · {THREAT_KINDS[threat.kind].label}
          </div>
          <h1 data-testid="ws-workshop-title">{threat.title}</h1>
          {threat.description && <p className="ws-workshop-desc">{threat.description}</p>}
          <AtlasChips ids={threat.atlas} catalogs={catalogs} />
          <div className="ws-workshop-now">
            <div>
              <span>P</span>
              <strong data-testid="ws-workshop-p">{fmt(threat.probability)}</strong>
            </div>
            <div>
              <span>I</span>
              <strong data-testid="ws-workshop-i">{fmt(threat.impact)}</strong>
            </div>
            <div title={score.residual.how}>
              <span>residual</span>
              <strong>{fmt(score.residual.value)}</strong>
            </div>
          </div>
          <label className="ws-workshop-notes">
            <span>Facilitator&apos;s notes</span>
            <textarea
              rows={4}
              data-testid="ws-workshop-notes"
              value={worksheet.workshop.notes[threat.id] ?? ''}
              onChange={(e) => update((d) => void (d.workshop.notes[threat.id] = e.target.value))}
            />
          </label>
        </section>

        <section className="ws-workshop-estimates" aria-label="Estimates">
          <h2>Participants</h2>
          <form
            className="ws-workshop-row"
            onSubmit={(e) => {
              e.preventDefault();
              const name = newParticipant.trim();
              if (name && !participants.includes(name)) update((d) => void d.workshop.participants.push(name));
              setNewParticipant('');
            }}
          >
            <input aria-label="Participant's name" placeholder="Add a participant" data-testid="ws-participant-name" value={newParticipant} onChange={(e) => setNewParticipant(e.target.value)} />
            <button type="submit" className="btn" data-testid="ws-participant-add">
              Add
            </button>
          </form>
          <ul className="ws-estimate-list" data-testid="ws-estimates">
            {participants.map((p) => {
              const e = estimates.find((x) => x.participant === p);
              return (
                <li key={p} className={p === next ? 'ws-turn' : undefined}>
                  <span>{p}</span>
                  <span className="ws-estimate-values">{e ? (show ? `P ${fmt(e.probability)} · I ${fmt(e.impact)}` : 'estimated') : p === next ? 'their turn' : '…'}</span>
                  <button
                    type="button"
                    className="btn tiny danger"
                    aria-label={`Remove participant ${p}`}
                    onClick={() =>
                      update((d) => {
                        d.workshop.participants = d.workshop.participants.filter((x) => x !== p);
                        d.workshop.estimates = d.workshop.estimates.filter((x) => x.participant !== p);
                      })
                    }
                  >
                    ×
                  </button>
                </li>
              );
            })}
          </ul>
          {next && (
            <form
              className="ws-workshop-row ws-turn-form"
              data-testid="ws-turn"
              onSubmit={(e) => {
                e.preventDefault();
                addEstimate();
              }}
            >
              <strong data-testid="ws-turn-name">{next}</strong>
              <label>
                P <NumberInput value={draft.p} min={0} max={1} label={`${next}'s P`} testId="ws-estimate-p" onCommit={(p) => setDraft((x) => ({ ...x, p }))} />
              </label>
              <label>
                I <NumberInput value={draft.i} min={0} max={10} step={0.5} label={`${next}'s I`} testId="ws-estimate-i" onCommit={(i) => setDraft((x) => ({ ...x, i }))} />
              </label>
              <button type="submit" className="btn primary" data-testid="ws-estimate-add">
                Enter
              </button>
            </form>
          )}
          {!show && estimates.length > 0 && (
            <button type="button" className="btn" onClick={() => setRevealed(true)}>
              Reveal now ({estimates.length} of {participants.length})
            </button>
          )}
          {show && pSummary && iSummary && (
            <div className="ws-summary" data-testid="ws-estimate-summary">
              <Spread what="P" s={pSummary} testId="ws-summary-p" />
              <Spread what="I" s={iSummary} testId="ws-summary-i" />
              <form
                className="ws-workshop-row"
                onSubmit={(e) => {
                  e.preventDefault();
                  update((d) => {
                    const t = d.threats.find((x) => x.id === threat.id)!;
                    t.probability = settled.p;
                    t.impact = settled.i;
                  });
                }}
              >
                <span>Group settles on</span>
                <label>
                  P <NumberInput value={settled.p} min={0} max={1} label="Settled P" testId="ws-settle-p" onCommit={(p) => setSettle({ ...settled, p })} />
                </label>
                <label>
                  I <NumberInput value={settled.i} min={0} max={10} step={0.5} label="Settled I" testId="ws-settle-i" onCommit={(i) => setSettle({ ...settled, i })} />
                </label>
                <button type="submit" className="btn primary" data-testid="ws-settle">
                  Settle
                </button>
              </form>
            </div>
          )}
        </section>
      </main>
      <footer className="ws-workshop-keys muted">← → or N/P: threats · T: timer · Esc: leave</footer>
    </div>
  );
}
