import { DETECTORS } from '../../../../shared/domain/detector-catalog.ts';
import { overrideKey, useStore } from '../../store/index.ts';
import { formatP, formatPercent, nf } from '../../ui/format.ts';
import { ClassOptions } from '../../ui/options.tsx';
import { classFlags } from './derive.ts';
import { useTriage } from './context.ts';

const MODE_TEXT = { fdr: 'FDR', budget: 'budget', rule: "detector's own rule", quorum: 'agreement of detectors' } as const;

/** Which class and detector the triage shows, that detector's verdict on the class, and what its flags assume. */
export function TriageHeader() {
  const t = useTriage();
  const selectClass = useStore((s) => s.selectClass);
  const selectView = useStore((s) => s.selectView);
  const override = useStore((s) => (t ? s.overrides[overrideKey(t.view.key, t.classIndex)] : undefined));
  if (!t) return null;
  const { sv, view, cls } = t;
  const flags = classFlags(view.scores, view.pValues, view.flagged, t.rows);
  const info = view.key === 'consensus' ? null : DETECTORS[view.key];

  return (
    <section className="panel triage-head" aria-labelledby="triage-title">
      <div className="panel-head">
        <h2 id="triage-title">Triage</h2>
        <label className="field inline compact">
          <span>Class</span>
          <select data-testid="class-select" value={t.classIndex} onChange={(e) => selectClass(Number(e.target.value))}>
            <ClassOptions names={sv.result.classNames} />
          </select>
        </label>
        <div className="tabs" role="tablist" aria-label="Detector" data-testid="view-tabs">
          {sv.views.map((v) => (
            <button
              key={v.key}
              type="button"
              role="tab"
              aria-selected={v.key === view.key}
              className={v.key === view.key ? 'tab active' : 'tab'}
              data-view={v.key}
              onClick={() => selectView(v.key)}
            >
              {v.title}
            </button>
          ))}
        </div>
      </div>
      <div className="verdict-line" data-testid="class-verdict">
        {view.key === 'consensus' ? (
          <span className="verdict-runs">
            <b className="accent">{t.className}</b>
            {sv.views
              .filter((v) => v.classes)
              .map((v) => {
                const c = v.classes![t.classIndex];
                return (
                  <span key={v.key} className={`verdict-chip ${c.verdict}`} data-verdict={c.verdict} title={c.classTest?.method}>
                    {v.title} {c.verdict}
                    {c.classTest && ` · p ${formatP(c.classTest.pValue)}`}
                    {c.contamination !== null && ` · ${formatPercent(c.contamination)}`}
                  </span>
                );
              })}
          </span>
        ) : cls ? (
          <span className={`verdict-chip ${cls.verdict}`} data-verdict={cls.verdict}>
            {cls.verdict}
          </span>
        ) : (
          <span className="verdict-chip untested">no class test</span>
        )}
        {view.key !== 'consensus' && (
        <span>
          <b className="accent">{t.className}</b> under <b>{view.title}</b>
          {cls?.classTest ? (
            <>
              : {cls.classTest.method}, <span data-testid="class-test-p">p = {formatP(cls.classTest.pValue)}</span>
              {cls.verdict === 'suspicious' && ` (below 0.05 / ${sv.result.classNames.length} classes)`}
            </>
          ) : (
            ': no per-class test'
          )}
          {cls && cls.contamination !== null && (
            <>
              {' '}
              · estimated contamination <b data-testid="contamination">{formatPercent(cls.contamination)}</b> (Storey, from the p-values)
            </>
          )}
        </span>
        )}
      </div>
      <p className="flag-note" data-testid="flag-note">
        <b data-testid="flag-count">{nf.format(flags.count)}</b> of {nf.format(t.rows.length)} flagged by{' '}
        {override ? (
          <b>
            a hand-set {override.kind === 'fdr' ? `FDR level q = ${override.q}` : 'score threshold'}
          </b>
        ) : (
          <b>{MODE_TEXT[view.flagMode]}</b>
        )}
        {' — '}
        {override
          ? override.kind === 'fdr'
            ? 'Benjamini–Hochberg on this class only; assumes the bulk of the class is clean.'
            : 'every row scoring at or above the line; no error rate is controlled.'
          : view.flagNote}
        {info && <span className="muted"> Score: {info.scoreMeaning}.</span>}
      </p>
    </section>
  );
}
